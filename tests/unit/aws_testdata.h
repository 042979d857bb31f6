/* Reading test vectors from $top_srcdir/tests/data for the aws-layer suites. */
#ifndef PRA_TESTS_AWS_TESTDATA_H
#define PRA_TESTS_AWS_TESTDATA_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whole file as a NUL-terminated heap string; fails the test when unreadable. */
static inline char *
testdata_read(const char *rel, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *fp;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/%s", top != NULL ? top : ".", rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

#endif
