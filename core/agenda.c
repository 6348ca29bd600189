/* agenda.c -- placeholder, being written */
