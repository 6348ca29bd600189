/* messages.c -- placeholder, being written */
