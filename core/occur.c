/* occur.c -- placeholder, being written */
