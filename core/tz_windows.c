/* tz_windows.c -- placeholder, being written */
