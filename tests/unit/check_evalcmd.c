/* Unit tests of the --eval and --eval-batch command (src/evalcmd.c):
 * reading request files, streaming batches, the bounds. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "evalcmd.h"

#include "checkmain.h"

#define REQ(ctx, pols) "{\"name\":\"t\",\"request\":{\"principal\":\"arn:aws:iam::111122223333:user/alice\"," \
	"\"action\":\"iam:PassRole\",\"resource\":\"arn:aws:iam::111122223333:role/Admin\"" ctx "}," \
	"\"policies\":{" pols "}}"
#define ALLOWPASS "{\"name\":\"Pass\",\"source\":\"user alice inline\",\"document\":{\"Version\":\"2012-10-17\"," \
	"\"Statement\":[{\"Sid\":\"PassEc2\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"," \
	"\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}}]}}"

START_TEST(test_batch_run)
{
	char path[] = "/tmp/check_eval_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *out;
	char *text = NULL;
	size_t len = 0;
	struct err e = { "" };

	ck_assert(f != NULL);
	fprintf(f, "%s\n\n%s\n{\"request\":3}\n", REQ("", "\"identity\":[" ALLOWPASS "]"),
	    REQ(",\"context\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}", "\"identity\":[" ALLOWPASS "]"));
	fclose(f);
	out = open_memstream(&text, &len);
	ck_assert_int_eq(evalcmd_run(path, true, true, out, &e), -1);
	fclose(out);
	/* the bad line is named, the good ones are still evaluated */
	ck_assert_msg(strstr(e.msg, ":4: request: must be an object, got a number") != NULL, "%s", e.msg);
	ck_assert_msg(strncmp(text, "{\"name\":\"t\",\"decision\":\"denied\"", 31) == 0, "%s", text);
	ck_assert_msg(strstr(text, "\n{\"name\":\"t\",\"decision\":\"allowed\"") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\n{\"line\":4,\"error\":\"") != NULL, "%s", text);
	unlink(path);
	free(text);
}
END_TEST

/* A batch is streamed: its size is not bounded by EVALCMD_MAX_FILE (here
 * 65 MiB of blank lines around the requests), and a line above
 * EVALCMD_MAX_LINE is refused as soon as the bound is passed, which stops
 * the batch (the end of such a line may never come). */
START_TEST(test_batch_streams)
{
	char path[] = "/tmp/check_eval_big_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *out;
	char *blank = malloc(1u << 20), *text = NULL, *nl;
	size_t len = 0, lines = 0;
	struct err e = { "" };

	ck_assert(f != NULL && blank != NULL);
	memset(blank, ' ', 1u << 20);
	fprintf(f, "%s\n", REQ("", "\"identity\":[" ALLOWPASS "]"));
	for (unsigned i = 0; i < 65; i++) {
		fwrite(blank, 1, 1u << 20, f);
		fputc('\n', f);
	}
	/* one line of 9 MiB: too long */
	for (unsigned i = 0; i < 9; i++)
		fwrite(blank, 1, 1u << 20, f);
	fputs("x\n", f);
	fprintf(f, "%s\n", REQ(",\"context\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}",
	    "\"identity\":[" ALLOWPASS "]"));
	/* the last line without its newline */
	fprintf(f, "%s", REQ("", "\"identity\":[" ALLOWPASS "]"));
	ck_assert_int_eq(fclose(f), 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_gt(lseek(fd, 0, SEEK_END), (off_t)EVALCMD_MAX_FILE);
	close(fd);
	out = open_memstream(&text, &len);
	ck_assert_int_eq(evalcmd_run(path, true, true, out, &e), -1);
	fclose(out);
	ck_assert_msg(strstr(e.msg, ":67: line longer than 8388608 bytes (8 MiB); the lines "
	    "after it are not read") != NULL, "%s", e.msg);
	for (nl = text; (nl = strchr(nl, '\n')) != NULL; nl++)
		lines++;
	ck_assert_uint_eq(lines, 2);
	ck_assert_msg(strncmp(text, "{\"name\":\"t\",\"decision\":\"denied\"", 31) == 0, "%s", text);
	ck_assert_msg(strstr(text, "\n{\"line\":67,\"error\":\"") != NULL, "%s", text);
	unlink(path);
	free(blank);
	free(text);
}
END_TEST

/* A line that never ends: refused once it passes the bound, not read for
 * ever (Check's timeout fails the test if it is). */
START_TEST(test_batch_endless_line)
{
	char *text = NULL;
	size_t len = 0;
	struct err e = { "" };
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(evalcmd_run("/dev/zero", true, true, out, &e), -1);
	fclose(out);
	ck_assert_str_eq(e.msg, "/dev/zero:1: line longer than 8388608 bytes (8 MiB); "
	    "the lines after it are not read");
	ck_assert_msg(strncmp(text, "{\"line\":1,\"error\":\"/dev/zero:1: line longer", 42) == 0,
	    "%s", text);
	free(text);
}
END_TEST

/* A single request file stays bounded, and the refusal says what to do. */
START_TEST(test_single_file_bound)
{
	char path[] = "/tmp/check_eval_one_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *out;
	char *blank = malloc(1u << 20), *text = NULL;
	size_t len = 0;
	struct err e = { "" };

	ck_assert(f != NULL && blank != NULL);
	memset(blank, ' ', 1u << 20);
	fprintf(f, "%s\n", REQ("", "\"identity\":[" ALLOWPASS "]"));
	for (unsigned i = 0; i < 65; i++)
		fwrite(blank, 1, 1u << 20, f);
	ck_assert_int_eq(fclose(f), 0);
	out = open_memstream(&text, &len);
	ck_assert_int_eq(evalcmd_run(path, false, true, out, &e), -1);
	fclose(out);
	ck_assert_msg(strstr(e.msg, ": request file too large (more than 64 MiB): a file holds one request; "
	    "put many requests one per line in a batch file") != NULL, "%s", e.msg);
	unlink(path);
	free(blank);
	free(text);
}
END_TEST

static Suite *
evalcmd_suite(void)
{
	Suite *s = suite_create("evalcmd");
	TCase *tc = tcase_create("evalcmd");

	tcase_add_test(tc, test_batch_run);
	tcase_add_test(tc, test_batch_streams);
	tcase_add_test(tc, test_batch_endless_line);
	tcase_add_test(tc, test_single_file_bound);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(evalcmd_suite());
}
