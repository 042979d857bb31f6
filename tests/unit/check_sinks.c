/*
 * The sinks data file (src/audit/sinks.def) against services.def and
 * against the public catalogue of PassRole paths of pathfinding.cloud
 * (tests/data/passrole-paths, Apache-2.0, with its notice): every path that
 * passes a role must map to a service and action set of the data file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit/audit_int.h"
#include "audit/sinks.h"
#include "aws_testdata.h"
#include "checkmain.h"

/* Is every action of set s in the JSON array need (iam:PassRole aside)? */
static bool
sinks_covers(const struct sink *s, const cJSON *need)
{
	char acts[SINK_MAX_ACTIONS][128];
	size_t n = sink_actions(s, acts, sizeof(acts[0]));

	for (size_t i = 0; i < n; i++) {
		const cJSON *it;
		bool found = false;

		cJSON_ArrayForEach(it, need)
			found |= cJSON_IsString(it) && strcmp(it->valuestring, acts[i]) == 0;
		if (!found)
			return false;
	}
	return n > 0;
}

START_TEST(test_table_consistent)
{
	for (size_t i = 0; i < sink_count(); i++) {
		const struct sink *s = sink_get(i);
		char acts[SINK_MAX_ACTIONS][128];
		size_t n = sink_actions(s, acts, sizeof(acts[0]));

		ck_assert_msg(n > 0, "%s: action set \"%s\" is empty or too long", s->trust,
		    s->actions);
		ck_assert_msg(aud_service_endpoint(s->trust) != NULL,
		    "%s is not in services.def", s->trust);
		/* One PassedToService value per trust principal; none for the
		 * sets that act through an existing resource. */
		if (s->existing)
			ck_assert_ptr_null(s->passed_to);
		else
			ck_assert_str_eq(sink_passed_to(s->trust), s->passed_to);
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(sink_resource(acts[k]) != NULL, "%s: no AUD_ACTION line",
			    acts[k]);
	}
	for (size_t i = 0; i < aud_service_count(); i++)
		ck_assert_msg(sink_known(aud_service_principal(i)),
		    "%s (services.def) has no AUD_SINK line", aud_service_principal(i));
	ck_assert_str_eq(sink_passed_to("tasks.apprunner.amazonaws.com"), "apprunner.amazonaws.com");
	ck_assert_str_eq(sink_passed_to("unlisted.amazonaws.com"), "unlisted.amazonaws.com");
}
END_TEST

START_TEST(test_catalogue_mapped)
{
	char *text = testdata_read("passrole-paths/passrole-paths.json", NULL);
	cJSON *root = cJSON_Parse(text), *paths, *p;
	size_t npass = 0, nexisting = 0;

	ck_assert_ptr_nonnull(root);
	paths = cJSON_GetObjectItemCaseSensitive(root, "paths");
	ck_assert(cJSON_IsArray(paths));
	cJSON_ArrayForEach(p, paths) {
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(p, "kind");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
		const cJSON *pts = cJSON_GetObjectItemCaseSensitive(p, "passed_to_service");
		const cJSON *trust = cJSON_GetObjectItemCaseSensitive(p, "trust_principal");
		const cJSON *sets = cJSON_GetObjectItemCaseSensitive(p, "required_actions"), *need;

		ck_assert(cJSON_IsString(kind) && cJSON_IsString(id));
		if (strcmp(kind->valuestring, "existing-resource") == 0) {
			/* An existing resource that runs with a role trusting the
			 * path's principal: an AUD_EXISTING set the path's
			 * actions cover. */
			nexisting++;
			ck_assert(cJSON_IsString(trust) && cJSON_IsArray(sets));
			cJSON_ArrayForEach(need, sets) {
				bool mapped = false;

				for (size_t i = 0; i < sink_count() && !mapped; i++) {
					const struct sink *s = sink_get(i);

					mapped = s->existing && strcmp(s->trust, trust->valuestring) == 0 &&
					    sinks_covers(s, need);
				}
				ck_assert_msg(mapped, "%s: no AUD_EXISTING set in sinks.def for %s that "
				    "this path's actions cover", id->valuestring, trust->valuestring);
			}
			continue;
		}
		ck_assert_str_eq(kind->valuestring, "pass-new");
		npass++;
		ck_assert(cJSON_IsString(pts) && cJSON_IsString(trust) && cJSON_IsArray(sets));
		cJSON_ArrayForEach(need, sets) {
			bool mapped = false;

			for (size_t i = 0; i < sink_count() && !mapped; i++) {
				const struct sink *s = sink_get(i);

				mapped = strcmp(s->trust, trust->valuestring) == 0 &&
				    strcmp(s->passed_to, pts->valuestring) == 0 && sinks_covers(s, need);
			}
			ck_assert_msg(mapped, "%s: no sink in sinks.def for %s (PassedToService %s) "
			    "that this path's actions cover", id->valuestring, trust->valuestring,
			    pts->valuestring);
		}
	}
	/* The catalogue's README counts 26 and 17 of them. */
	ck_assert_uint_eq(npass, 26);
	ck_assert_uint_eq(nexisting, 17);
	cJSON_Delete(root);
	free(text);
}
END_TEST

static Suite *
sinks_suite(void)
{
	Suite *s = suite_create("sinks");
	TCase *tc = tcase_create("data");

	tcase_add_test(tc, test_table_consistent);
	tcase_add_test(tc, test_catalogue_mapped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(sinks_suite());
}
