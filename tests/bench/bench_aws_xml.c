/*
 * Speed and memory of the XML tree and the policy-document decoder on IAM
 * GetAccountAuthorizationDetails pages: the largest responses the collector
 * parses. Prints `name: value` lines for `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aws/policydoc.h"
#include "aws/xml.h"
#include "util/buf.h"

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *d;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	rewind(fp);
	d = malloc((size_t)n + 1);
	if (d == NULL || fread(d, 1, (size_t)n, fp) != (size_t)n)
		exit(1);
	d[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return d;
}

static size_t
decode_all(const struct xml_node *n)
{
	size_t docs = 0;

	while (n != NULL) {
		if (strcmp(n->name, "PolicyDocument") == 0 || strcmp(n->name, "Document") == 0 ||
		    strcmp(n->name, "AssumeRolePolicyDocument") == 0) {
			struct buf out = BUF_INIT;

			if (policydoc_decode(&out, n->text, n->text_len, NULL) != 0)
				exit(1);
			buf_free(&out);
			docs++;
		}
		if (n->first_child != NULL) {
			n = n->first_child;
		} else {
			while (n != NULL && n->next == NULL)
				n = n->parent;
			if (n != NULL)
				n = n->next;
		}
	}
	return docs;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	size_t len, big_len, i, reps = 2000, docs = 0;
	char *page, *inner;
	struct buf big = BUF_INIT;
	struct xml_doc *d;
	struct rusage ru;
	double t0, t1;
	const char *open_tag = "<UserDetailList>", *close_tag = "</UserDetailList>";
	char *a, *b;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/tests/data/aws-responses/iam/"
	    "GetAccountAuthorizationDetails.synthetic.page1.xml", top != NULL ? top : ".");
	page = slurp(path, &len);

	t0 = now_s();
	for (i = 0; i < reps; i++) {
		if (xml_parse(page, len, NULL, &d, NULL) != 0)
			return 1;
		docs += decode_all(d->root);
		xml_free(d);
	}
	t1 = now_s();
	printf("aws_xml_iam_page_parse_decode_us: %.1f\n", (t1 - t0) / (double)reps * 1e6);
	printf("aws_xml_iam_page_bytes: %zu\n", len);

	/* A ~50 MB page: the user list repeated, as a large account would send. */
	a = strstr(page, open_tag);
	b = strstr(page, close_tag);
	if (a == NULL || b == NULL)
		return 1;
	a += strlen(open_tag);
	inner = strndup(a, (size_t)(b - a));
	buf_append(&big, page, (size_t)(a - page));
	while (big.len < ((size_t)50 << 20))
		buf_puts(&big, inner);
	buf_puts(&big, b);
	big_len = big.len;
	t0 = now_s();
	if (xml_parse(big.data, big.len, NULL, &d, NULL) != 0)
		return 1;
	docs = decode_all(d->root);
	t1 = now_s();
	printf("aws_xml_large_page_mb: %.1f\n", (double)big_len / 1048576.0);
	printf("aws_xml_large_page_nodes: %zu\n", d->nodes);
	printf("aws_xml_large_page_documents: %zu\n", docs);
	printf("aws_xml_large_parse_decode_mb_per_s: %.1f\n", (double)big_len / 1048576.0 / (t1 - t0));
	xml_free(d);
	getrusage(RUSAGE_SELF, &ru);
	printf("aws_xml_large_peak_rss_mb: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	buf_free(&big);
	free(inner);
	free(page);
	return 0;
}
