/* tz.c -- placeholder, being written */
