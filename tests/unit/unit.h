/* SPDX-License-Identifier: MIT */
/* Common includes for the cmocka unit tests (cmocka needs these first). */
#ifndef COCOBOOT_TESTS_UNIT_H
#define COCOBOOT_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define UNIT_RUN(tests) cmocka_run_group_tests(tests, NULL, NULL)

#endif
