/* rules.c -- placeholder, being written */
