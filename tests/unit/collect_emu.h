/*
 * The emulator as check_collect_org and check_collect use it: one emulator
 * per test program (started by the unchecked fixture, in the parent), a
 * scenario loaded and the log reset at the start of each test, faults, and
 * counts over the request log. Header-only: static functions for two test
 * programs.
 */
#ifndef PRA_COLLECT_EMU_H
#define PRA_COLLECT_EMU_H

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_testdata.h"
#include "testserver.h"

static struct testserver emu;

static void
emu_up(void)
{
	static const char *const args[] = { "--scenario", NULL, NULL };
	const char *top = getenv("top_srcdir");
	char path[1024];
	const char *a[3];

	snprintf(path, sizeof(path), "%s/tests/data/scenarios/org-nested.json",
	    top != NULL ? top : ".");
	a[0] = args[0];
	a[1] = path;
	a[2] = NULL;
	testserver_start(&emu, "tests/emulator/emulator.py", a);
}

static void
emu_down(void)
{
	testserver_stop(&emu);
}

/* Load tests/data/scenarios/NAME.json and clear faults and the log. */
static void
emu_scenario(const char *name)
{
	char rel[256], *body;

	snprintf(rel, sizeof(rel), "scenarios/%s.json", name);
	body = testdata_read(rel, NULL);
	free(testserver_ctl(&emu, "/_emu/scenario", body));
	free(body);
	free(testserver_ctl(&emu, "/_emu/reset", "{}"));
}

static void
emu_fault(const char *json)
{
	free(testserver_ctl(&emu, "/_emu/fault", json));
}

/* The next `skip` calls of op pass (a zero-delay "slow" fault), then the
 * fault: the emulator takes the oldest matching fault first. */
static void
fault_after(const char *op, int skip, const char *kind, int count)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "{\"operation\":\"%s\",\"kind\":\"slow\",\"delay_ms\":0,"
	    "\"count\":%d}", op, skip);
	emu_fault(buf);
	snprintf(buf, sizeof(buf), "{\"operation\":\"%s\",\"kind\":\"%s\",\"count\":%d}", op, kind,
	    count);
	emu_fault(buf);
}

/* Requests logged so far for op (NULL: all) with an answer of status
 * (0: any); with_param: only those whose params hold that member. */
static int
emu_count(const char *op, int status, const char *with_param)
{
	char *body = testserver_ctl(&emu, "/_emu/requests", NULL);
	cJSON *root = cJSON_Parse(body), *list, *r;
	int n = 0;

	ck_assert_ptr_nonnull(root);
	list = cJSON_IsArray(root) ? root : cJSON_GetObjectItem(root, "requests");
	ck_assert_msg(cJSON_IsArray(list), "request log is not a list");
	cJSON_ArrayForEach(r, list) {
		const cJSON *o = cJSON_GetObjectItem(r, "operation");
		const cJSON *st = cJSON_GetObjectItem(r, "status");
		const cJSON *pa = cJSON_GetObjectItem(r, "params");

		if (op != NULL && (!cJSON_IsString(o) || strcmp(o->valuestring, op) != 0))
			continue;
		if (status != 0 && (!cJSON_IsNumber(st) || st->valueint != status))
			continue;
		if (with_param != NULL && cJSON_GetObjectItem(pa, with_param) == NULL)
			continue;
		n++;
	}
	cJSON_Delete(root);
	free(body);
	return n;
}

#define ck_assert_str_has(hay, needle) \
	ck_assert_msg((hay) != NULL && strstr((hay), (needle)) != NULL, \
	    "'%s' lacks '%s'", (hay) != NULL ? (hay) : "(null)", (needle))

#endif
