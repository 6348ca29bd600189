/* policy.c -- placeholder, being written */
