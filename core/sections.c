/* sections.c -- placeholder, being written */
