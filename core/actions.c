/* actions.c -- placeholder, being written */
