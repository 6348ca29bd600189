/* due.c -- placeholder, being written */
