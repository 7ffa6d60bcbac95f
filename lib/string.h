/* SPDX-License-Identifier: MIT */
/* Freestanding string and memory helpers (guest only; host code uses libc). */
#ifndef COCOBOOT_LIB_STRING_H
#define COCOBOOT_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strncmp(const char *a, const char *b, size_t n);
int strcmp(const char *a, const char *b);

#endif
