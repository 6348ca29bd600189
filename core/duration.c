/* duration.c -- placeholder, being written */
