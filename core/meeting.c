/* meeting.c -- placeholder, being written */
