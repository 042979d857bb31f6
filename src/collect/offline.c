/*
 * The snapshot from a directory of AWS CLI outputs (layout in offline.h).
 *
 * Organizations answers go through orgjson (shared with the live
 * collector): the CLI prints the JSON 1.1 response unchanged, merged across
 * pages. IAM and EC2 answers the CLI prints as JSON translations of the
 * XML APIs; this file reads those, mapping fields the way the live
 * collectors map the XML (collect_iam.c, collect_ec2.c) so that a dump and
 * a live fetch of one account give the same model.
 */
#include "config.h"

#include "collect/offline.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aws/policydoc.h"
#include "collect/collect_iam.h"
#include "collect/orgjson.h"
#include "collect/snapjson.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/jsonutil.h"
#include "util/strutil.h"

#define API_GAAD "iam:GetAccountAuthorizationDetails"
#define API_DVE "ec2:DescribeVpcEndpoints"
#define API_DUMP "aws-dump.json"
/* A why longer than this is cut: a report line, not a log. */
#define WHY_MAX 1000

struct ld {
	const char *dir;
	struct snapshot *s;
	struct err *e;
	struct buf file;	/* the file being read */
	time_t newest;		/* newest modification time of a file read */
	char **regions;		/* from aws-dump.json */
	size_t nregions;
	char **folders;		/* account folders in the dump */
	size_t nfolders;
	size_t next;		/* offline_next: the next account stub of s */
	bool dump_time;		/* taken_at came from aws-dump.json */
};

enum got { GOT_JSON, GOT_ERROR, GOT_MISSING };

/* --------------------------------------------------------------- helpers */

static char *
ld_path(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
ld_path(const char *dir, const char *fmt, ...)
{
	va_list ap;
	char *rel = NULL, *full = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&rel, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	if (asprintf(&full, "%s/%s", dir, rel) < 0)
		full = NULL;
	free(rel);
	return full;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* asprintf that leaves NULL on failure (asprintf leaves the pointer
 * undefined). */
static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

/* An id from a dump that will name a file: Organizations ids are
 * [a-z0-9-] (r-, ou-, p-, account digits) and AWS managed policy ids like
 * p-FullAWSAccess mix case; anything else ("../x") must not reach a path. */
static bool
safe_name(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_'))
			return false;
	return n > 0 && n <= 128;
}

static bool
is_account_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n == 12 && s[12] == '\0';
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Replace a part's reason: snap_part_fail keeps the first one, but an
 * account made from the organization listing starts as "not fetched",
 * which the dump then explains better. */
static int
part_set(struct snap_part *p, const char *why)
{
	snap_part_ok(p);
	if (snap_part_fail(p, "%s", why) != 0)
		return -1;
	return 0;
}

/* The CLI's stderr as one report line: blanks collapsed, control bytes
 * dropped, cut at WHY_MAX. */
static char *
error_text(const char *path, const char *raw, size_t len)
{
	struct buf b = BUF_INIT;
	bool space = false;
	int r = buf_printf(&b, "%s: ", path);

	for (size_t i = 0; i < len && r == 0 && b.len < WHY_MAX; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			space = true;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space && b.data[b.len - 1] != ' ')
			r = buf_putc(&b, ' ');
		space = false;
		if (r == 0)
			r = buf_putc(&b, (char)c);
	}
	if (r == 0 && b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (r == 0 && strcmp(buf_cstr(&b) + strlen(path), ": ") == 0)
		r = buf_puts(&b, "(empty error file)");
	if (r != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Read a file into l->file, noting its time. 0; 1 when it does not exist;
 * -1 with l->e set. */
static int
ld_read(struct ld *l, const char *path, size_t max)
{
	struct stat st;
	struct err fe;

	if (fileio_read(AT_FDCWD, path, 0, max, &l->file, &fe) != 0) {
		if (errno == ENOENT)
			return 1;
		err_set(l->e, "%s", fe.msg);
		return -1;
	}
	if (stat(path, &st) == 0 && st.st_mtime > l->newest)
		l->newest = st.st_mtime;
	return 0;
}

/*
 * One CLI output: rel names the .json file (relative to the dump). On
 * GOT_JSON *json holds the parsed file (caller deletes it); on GOT_ERROR
 * and GOT_MISSING *why holds the reason for the part (caller frees it).
 * -1 with l->e set for a file that cannot be read or is not JSON.
 */
static int
ld_get(struct ld *l, const char *rel, cJSON **json, char **why, enum got *got)
{
	char *path = ld_path(l->dir, "%s", rel), *epath = NULL;
	const char *end = NULL;
	int rc = -1, r;

	*json = NULL;
	*why = NULL;
	if (path == NULL)
		goto nomem;
	r = ld_read(l, path, OFFLINE_FILE_MAX);
	if (r < 0)
		goto out;
	if (r == 0) {
		const char *data = l->file.data != NULL ? l->file.data : "";
		size_t off, line = 1, col = 1;
		const char *bad = jsonutil_bad_text(data, l->file.len, &off);

		if (bad != NULL) {
			jsonutil_position(data, l->file.len, off, &line, &col);
			err_set(l->e, "%s: line %zu, column %zu: %s", path, line, col, bad);
			goto out;
		}
		*json = cJSON_ParseWithLengthOpts(data, l->file.len, &end, false);
		/* Text after the value means the file is not what the CLI
		 * wrote (two outputs run together, a botched edit): what
		 * was read of it cannot be trusted to be all of it. */
		off = end != NULL ? (size_t)(end - data) : 0;
		if (*json != NULL)
			off += strspn(data + off, " \t\r\n");
		if (*json == NULL || off < l->file.len) {
			for (size_t i = 0; i < off && i < l->file.len; i++)
				if (data[i] == '\n')
					line++, col = 1;
				else
					col++;
			if (*json != NULL)
				err_set(l->e, "%s: not valid JSON: text after the value "
				    "(line %zu, column %zu)", path, line, col);
			else
				err_set(l->e, "%s: not valid JSON (line %zu, column %zu)",
				    path, line, col);
			cJSON_Delete(*json);
			*json = NULL;
			goto out;
		}
		*got = GOT_JSON;
		rc = 0;
		goto out;
	}
	/* foo.json → foo.error */
	if ((epath = xasprintf("%.*s.error", (int)(strlen(path) - 5), path)) == NULL)
		goto nomem;
	r = ld_read(l, epath, OFFLINE_ERROR_MAX);
	if (r < 0)
		goto out;
	if (r == 0) {
		*why = error_text(epath, buf_cstr(&l->file), l->file.len);
		*got = GOT_ERROR;
	} else {
		*why = xasprintf("missing %s", path);
		*got = GOT_MISSING;
	}
	if (*why == NULL)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	free(path);
	free(epath);
	return rc;
}

/* ------------------------------------------------- JSON with a path */

/* Reading an IAM or EC2 CLI output: every complaint names the file, the
 * API and the JSON path ("DIR/1111/iam.json: iam:GetAccountAuthorizationDetails:
 * RoleDetailList[5].Arn: missing"). JSON null counts as absent, as in the
 * API's own JSON. */
struct jr {
	struct err *e;
	const char *file;
	const char *api;
	char path[256];
	bool failed;
};

static void jr_fail(struct jr *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
jr_fail(struct jr *j, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (j->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err_set(j->e, "%s: %s: %s%s%s", j->file, j->api, j->path, j->path[0] != '\0' ? ": " : "",
	    what);
	j->failed = true;
}

static size_t
jr_push(struct jr *j, const char *key, size_t idx, bool is_idx)
{
	size_t old = strlen(j->path);

	if (is_idx)
		strutil_path_idx(j->path, sizeof(j->path), old, idx);
	else
		strutil_path_key(j->path, sizeof(j->path), old, key);
	return old;
}

static void
jr_pop(struct jr *j, size_t old)
{
	j->path[old] = '\0';
}

static const cJSON *
jr_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNull(v) ? NULL : v;
}

static char *
jr_dup(struct jr *j, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		jr_fail(j, "out of memory");
	return d;
}

/* A string member; required ones must be non-empty (AWS never sends an
 * empty name or ARN). */
static void
jr_str(struct jr *j, const cJSON *obj, const char *key, bool required, char **out)
{
	const cJSON *v = jr_member(obj, key);
	size_t old = jr_push(j, key, 0, false);

	if (j->failed)
		goto out;
	if (v == NULL) {
		if (required)
			jr_fail(j, "missing");
	} else if (!cJSON_IsString(v) || v->valuestring == NULL) {
		jr_fail(j, "not a string");
	} else if (required && v->valuestring[0] == '\0') {
		jr_fail(j, "empty");
	} else {
		*out = jr_dup(j, v->valuestring);
	}
out:
	jr_pop(j, old);
}

/* A policy document: the CLI decodes IAM's percent-encoded documents into
 * JSON objects (printed back compactly here: the model keeps JSON text);
 * other tools leave the string, encoded or not. */
static void
jr_doc(struct jr *j, const cJSON *obj, const char *key, bool required, char **out)
{
	const cJSON *v = jr_member(obj, key);
	size_t old = jr_push(j, key, 0, false);
	struct buf b;
	struct err de;

	if (j->failed)
		goto out;
	if (v == NULL) {
		if (required)
			jr_fail(j, "missing");
	} else if (cJSON_IsObject(v)) {
		*out = cJSON_PrintUnformatted(v);
		if (*out == NULL)
			jr_fail(j, "out of memory");
	} else if (cJSON_IsString(v) && v->valuestring != NULL) {
		buf_init(&b, OFFLINE_FILE_MAX);
		if (policydoc_decode(&b, v->valuestring, strlen(v->valuestring), &de) != 0)
			jr_fail(j, "%s", de.msg);
		else if (b.len == 0)
			jr_fail(j, "empty document");
		else if (memchr(b.data, '\0', b.len) != NULL)
			jr_fail(j, "the decoded document holds a NUL byte");
		else
			*out = buf_steal(&b);
		buf_free(&b);
	} else {
		jr_fail(j, "not a policy document (a JSON object or string)");
	}
out:
	jr_pop(j, old);
}

/* An array member: NULL (no elements) when absent and optional. */
static const cJSON *
jr_arr(struct jr *j, const cJSON *obj, const char *key, bool required)
{
	const cJSON *v = jr_member(obj, key);
	size_t old = jr_push(j, key, 0, false);

	if (v == NULL && required)
		jr_fail(j, "missing");
	else if (v != NULL && !cJSON_IsArray(v))
		jr_fail(j, "not an array");
	jr_pop(j, old);
	return j->failed || v == NULL ? NULL : v;
}

static void *
jr_push_el(struct jr *j, void **arr, size_t *n, size_t elsize)
{
	void *p = j->failed ? NULL : snap_push(arr, n, elsize, NULL);

	if (p == NULL)
		jr_fail(j, "out of memory");
	return p;
}

/* For each element of arr, with "KEY[i]" on the path; objects only. */
#define JR_EACH(j, key, arr, el, i, old)					\
	for (const cJSON *el = (arr) != NULL ? (arr)->child : NULL; el != NULL && !(j)->failed; \
	    el = el->next, jr_pop((j), old), (i)++)				\
		if ((old = jr_push((j), key, 0, false)), jr_push((j), NULL, (i), true), \
		    !cJSON_IsObject(el)) {					\
			jr_fail((j), "not an object");				\
		} else

/* "2024-06-30T23:59:01+00:00" (CLI) → "2024-06-30T23:59:01Z" (API). */
static void
utc_z(char *t)
{
	size_t n = t != NULL ? strlen(t) : 0;

	if (n > 6 && strcmp(t + n - 6, "+00:00") == 0) {
		t[n - 6] = 'Z';
		t[n - 5] = '\0';
	}
}

/* ------------------------------------------------------------------ IAM */

static void
iam_names(struct jr *j, const cJSON *obj, const char *key, char ***v, size_t *n)
{
	const cJSON *arr = jr_arr(j, obj, key, false);
	size_t i = 0;

	for (const cJSON *el = arr != NULL ? arr->child : NULL; el != NULL && !j->failed;
	    el = el->next, i++) {
		size_t old = jr_push(j, key, 0, false);
		char **slot;

		jr_push(j, NULL, i, true);
		if (!cJSON_IsString(el) || el->valuestring == NULL || el->valuestring[0] == '\0')
			jr_fail(j, "not a name");
		else if ((slot = jr_push_el(j, (void **)v, n, sizeof(*slot))) != NULL)
			*slot = jr_dup(j, el->valuestring);
		jr_pop(j, old);
	}
}

static void
iam_attached(struct jr *j, const cJSON *obj, char ***v, size_t *n)
{
	const cJSON *arr = jr_arr(j, obj, "AttachedManagedPolicies", false);
	size_t i = 0, old;

	JR_EACH(j, "AttachedManagedPolicies", arr, el, i, old) {
		char **slot = jr_push_el(j, (void **)v, n, sizeof(*slot));

		if (slot != NULL)
			jr_str(j, el, "PolicyArn", true, slot);
	}
}

static void
iam_inline(struct jr *j, const cJSON *obj, const char *key, struct snap_inline_policy **v,
    size_t *n)
{
	const cJSON *arr = jr_arr(j, obj, key, false);
	size_t i = 0, old;

	JR_EACH(j, key, arr, el, i, old) {
		struct snap_inline_policy *p = jr_push_el(j, (void **)v, n, sizeof(*p));

		if (p == NULL)
			continue;
		jr_str(j, el, "PolicyName", true, &p->name);
		jr_doc(j, el, "PolicyDocument", true, &p->document);
	}
}

static void
iam_tags(struct jr *j, const cJSON *obj, struct snap_tag **v, size_t *n)
{
	const cJSON *arr = jr_arr(j, obj, "Tags", false);
	size_t i = 0, old;

	JR_EACH(j, "Tags", arr, el, i, old) {
		struct snap_tag *t = jr_push_el(j, (void **)v, n, sizeof(*t));

		if (t == NULL)
			continue;
		jr_str(j, el, "Key", true, &t->key);
		/* An empty tag value is a value; an absent one is the empty one. */
		jr_str(j, el, "Value", false, &t->value);
		if (!j->failed && t->value == NULL)
			t->value = jr_dup(j, "");
	}
}

static void
iam_boundary(struct jr *j, const cJSON *obj, char **out)
{
	const cJSON *pb = jr_member(obj, "PermissionsBoundary");
	size_t old;

	if (pb == NULL || j->failed)
		return;
	old = jr_push(j, "PermissionsBoundary", 0, false);
	if (!cJSON_IsObject(pb))
		jr_fail(j, "not an object");
	else if (pb->child != NULL)	/* {} is no boundary, as <PermissionsBoundary/> */
		jr_str(j, pb, "PermissionsBoundaryArn", true, out);
	jr_pop(j, old);
}

static void
iam_role(struct jr *j, const cJSON *el, struct snap_role *r)
{
	const cJSON *arr, *lu;
	size_t i = 0, old;

	jr_str(j, el, "RoleName", true, &r->name);
	jr_str(j, el, "Arn", true, &r->arn);
	jr_str(j, el, "RoleId", false, &r->id);
	jr_str(j, el, "Path", false, &r->path);
	jr_doc(j, el, "AssumeRolePolicyDocument", true, &r->trust_policy);
	iam_inline(j, el, "RolePolicyList", &r->inline_policies, &r->ninline);
	iam_attached(j, el, &r->attached, &r->nattached);
	iam_boundary(j, el, &r->boundary_arn);
	iam_tags(j, el, &r->tags, &r->ntags);
	arr = jr_arr(j, el, "InstanceProfileList", false);
	JR_EACH(j, "InstanceProfileList", arr, ip, i, old) {
		char **slot = jr_push_el(j, (void **)&r->instance_profiles,
		    &r->ninstance_profiles, sizeof(*slot));

		if (slot != NULL)
			jr_str(j, ip, "Arn", true, slot);
	}
	lu = jr_member(el, "RoleLastUsed");
	if (lu != NULL && !j->failed) {
		old = jr_push(j, "RoleLastUsed", 0, false);
		if (!cJSON_IsObject(lu)) {
			jr_fail(j, "not an object");
		} else {
			jr_str(j, lu, "LastUsedDate", false, &r->last_used);
			jr_str(j, lu, "Region", false, &r->last_used_region);
			utc_z(r->last_used);
		}
		jr_pop(j, old);
	}
	if (j->failed)
		return;
	r->service_linked = collect_iam_service_linked(r->path, r->arn);
}

static void
iam_policy(struct jr *j, const cJSON *el, struct snap_managed_policy *m)
{
	const cJSON *arr, *count, *def = NULL;
	size_t i = 0, old, defi = 0;

	jr_str(j, el, "PolicyName", true, &m->name);
	jr_str(j, el, "Arn", true, &m->arn);
	jr_str(j, el, "PolicyId", false, &m->id);
	jr_str(j, el, "Path", false, &m->path);
	jr_str(j, el, "DefaultVersionId", false, &m->default_version);
	if (j->failed)
		return;
	m->aws_managed = collect_iam_aws_managed(m->arn);
	count = jr_member(el, "AttachmentCount");
	if (count != NULL) {
		old = jr_push(j, "AttachmentCount", 0, false);
		if (!cJSON_IsNumber(count) || !(count->valuedouble >= 0 &&
		    count->valuedouble <= 999999999) ||
		    (double)(int)count->valuedouble != count->valuedouble)
			jr_fail(j, "not a count");
		else
			m->attachment_count = (int)count->valuedouble;
		jr_pop(j, old);
	}
	/* The default version: flagged IsDefaultVersion, else the one
	 * DefaultVersionId names (as collect_iam.c). */
	arr = jr_arr(j, el, "PolicyVersionList", true);
	JR_EACH(j, "PolicyVersionList", arr, v, i, old) {
		const cJSON *flag = jr_member(v, "IsDefaultVersion");

		if (flag != NULL && !cJSON_IsBool(flag)) {
			jr_fail(j, "IsDefaultVersion: not a boolean");
		} else if (cJSON_IsTrue(flag)) {
			if (def != NULL)
				jr_fail(j, "a second version marked IsDefaultVersion");
			def = v, defi = i;
		}
	}
	if (j->failed)
		return;
	if (def == NULL && m->default_version != NULL) {
		i = 0;
		for (const cJSON *v = arr->child; v != NULL; v = v->next, i++) {
			const cJSON *id = jr_member(v, "VersionId");

			if (cJSON_IsString(id) && strcmp(id->valuestring, m->default_version) == 0) {
				def = v, defi = i;
				break;
			}
		}
	}
	if (def == NULL) {
		jr_fail(j, "PolicyVersionList: no default version");
		return;
	}
	old = jr_push(j, "PolicyVersionList", 0, false);
	jr_push(j, NULL, defi, true);
	{
		const cJSON *id = jr_member(def, "VersionId");

		if (id != NULL && (!cJSON_IsString(id) || id->valuestring == NULL))
			jr_fail(j, "VersionId: not a string");
		else if (id != NULL && m->default_version != NULL &&
		    strcmp(id->valuestring, m->default_version) != 0)
			jr_fail(j, "marked IsDefaultVersion but DefaultVersionId is %s",
			    m->default_version);
		else if (id != NULL && m->default_version == NULL)
			m->default_version = jr_dup(j, id->valuestring);
	}
	jr_doc(j, def, "Document", true, &m->document);
	jr_pop(j, old);
}

/* get-account-authorization-details output into iam (empty on entry).
 * Sets iam's part; -1 with e set on malformed input. */
static int
ld_iam(struct ld *l, const char *file, const cJSON *root, struct snap_iam *iam)
{
	struct jr j = { .e = l->e, .file = file, .api = API_GAAD };
	const cJSON *arr, *trunc;
	size_t i, old;

	if (!cJSON_IsObject(root)) {
		jr_fail(&j, "the output is not a JSON object");
		return -1;
	}
	i = 0;
	arr = jr_arr(&j, root, "UserDetailList", true);
	JR_EACH(&j, "UserDetailList", arr, el, i, old) {
		struct snap_user *u = jr_push_el(&j, (void **)&iam->users, &iam->nusers,
		    sizeof(*u));

		if (u == NULL)
			continue;
		jr_str(&j, el, "UserName", true, &u->name);
		jr_str(&j, el, "Arn", true, &u->arn);
		jr_str(&j, el, "UserId", false, &u->id);
		jr_str(&j, el, "Path", false, &u->path);
		iam_names(&j, el, "GroupList", &u->groups, &u->ngroups);
		iam_inline(&j, el, "UserPolicyList", &u->inline_policies, &u->ninline);
		iam_attached(&j, el, &u->attached, &u->nattached);
		iam_boundary(&j, el, &u->boundary_arn);
		iam_tags(&j, el, &u->tags, &u->ntags);
	}
	i = 0;
	arr = jr_arr(&j, root, "GroupDetailList", true);
	JR_EACH(&j, "GroupDetailList", arr, el, i, old) {
		struct snap_group *g = jr_push_el(&j, (void **)&iam->groups, &iam->ngroups,
		    sizeof(*g));

		if (g == NULL)
			continue;
		jr_str(&j, el, "GroupName", true, &g->name);
		jr_str(&j, el, "Arn", true, &g->arn);
		jr_str(&j, el, "GroupId", false, &g->id);
		jr_str(&j, el, "Path", false, &g->path);
		iam_inline(&j, el, "GroupPolicyList", &g->inline_policies, &g->ninline);
		iam_attached(&j, el, &g->attached, &g->nattached);
	}
	i = 0;
	arr = jr_arr(&j, root, "RoleDetailList", true);
	JR_EACH(&j, "RoleDetailList", arr, el, i, old) {
		struct snap_role *r = jr_push_el(&j, (void **)&iam->roles, &iam->nroles,
		    sizeof(*r));

		if (r != NULL)
			iam_role(&j, el, r);
	}
	i = 0;
	arr = jr_arr(&j, root, "Policies", true);
	JR_EACH(&j, "Policies", arr, el, i, old) {
		struct snap_managed_policy *m = jr_push_el(&j, (void **)&iam->policies,
		    &iam->npolicies, sizeof(*m));

		if (m != NULL)
			iam_policy(&j, el, m);
	}
	if (j.failed)
		return -1;
	/* --no-paginate (or a tool that saved one page) leaves the rest out. */
	trunc = jr_member(root, "IsTruncated");
	if (cJSON_IsTrue(trunc) || cJSON_IsString(jr_member(root, "Marker"))) {
		char why[512];

		snprintf(why, sizeof(why), "%s holds only the first page (IsTruncated/Marker "
		    "present): dump it without --no-paginate", file);
		return part_set(&iam->part, why) == 0 ? 0 : (err_set(l->e, "out of memory"), -1);
	}
	snap_part_ok(&iam->part);
	return 0;
}

/* ------------------------------------------------------------------ EC2 */

static int
ld_endpoints(struct ld *l, const char *file, const cJSON *root, struct snap_region *rg)
{
	struct jr j = { .e = l->e, .file = file, .api = API_DVE };
	const cJSON *arr;
	size_t i = 0, old;

	if (!cJSON_IsObject(root)) {
		jr_fail(&j, "the output is not a JSON object");
		return -1;
	}
	arr = jr_arr(&j, root, "VpcEndpoints", true);
	JR_EACH(&j, "VpcEndpoints", arr, el, i, old) {
		struct snap_endpoint *ep = jr_push_el(&j, (void **)&rg->endpoints,
		    &rg->nendpoints, sizeof(*ep));

		if (ep == NULL)
			continue;
		jr_str(&j, el, "VpcEndpointId", true, &ep->id);
		jr_str(&j, el, "VpcEndpointType", true, &ep->type);
		jr_str(&j, el, "ServiceName", true, &ep->service_name);
		jr_str(&j, el, "VpcId", false, &ep->vpc_id);
		jr_str(&j, el, "State", false, &ep->state);
		/* Absent: no policy, i.e. full access (NULL in the model). */
		jr_doc(&j, el, "PolicyDocument", false, &ep->policy);
	}
	if (j.failed)
		return -1;
	if (cJSON_IsString(jr_member(root, "NextToken"))) {
		char why[512];

		snprintf(why, sizeof(why), "%s holds only the first page (NextToken present): "
		    "dump it without --no-paginate", file);
		if (part_set(&rg->part, why) != 0) {
			err_set(l->e, "out of memory");
			return -1;
		}
		return 0;
	}
	snap_part_ok(&rg->part);
	return 0;
}

/* ------------------------------------------------------------- accounts */

static int
strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
strv_add(char ***v, size_t *n, const char *s)
{
	char **slot;

	if (strv_has(*v, *n, s))
		return 0;
	slot = snap_push((void **)v, n, sizeof(*slot), NULL);
	if (slot == NULL || (*slot = strdup(s)) == NULL)
		return -1;
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The regions of an account: aws-dump.json's list and every file in
 * vpc-endpoints/ (REGION.json or REGION.error). */
static int
account_regions(struct ld *l, const char *id, char ***v, size_t *n)
{
	char *dpath = ld_path(l->dir, "%s/vpc-endpoints", id);
	DIR *d = NULL;
	struct dirent *de;
	int rc = -1;

	if (dpath == NULL)
		goto nomem;
	for (size_t i = 0; i < l->nregions; i++)
		if (strv_add(v, n, l->regions[i]) != 0)
			goto nomem;
	d = opendir(dpath);
	if (d == NULL) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		err_set(l->e, "%s: %s", dpath, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), stem;
		char name[64];

		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			stem = len - 5;
		else if (len > 6 && strcmp(de->d_name + len - 6, ".error") == 0)
			stem = len - 6;
		else
			continue;	/* editor backups, aws-dump temporaries */
		if (stem >= sizeof(name))
			continue;
		memcpy(name, de->d_name, stem);
		name[stem] = '\0';
		if (!safe_name(name))
			continue;
		if (strv_add(v, n, name) != 0)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	if (d != NULL)
		closedir(d);
	free(dpath);
	return rc;
}

static struct snap_region *
add_region(struct ld *l, struct snap_account *a, const char *name)
{
	struct snap_region *rg = snap_push((void **)&a->regions, &a->nregions, sizeof(*rg), NULL);

	if (rg == NULL || (rg->name = strdup(name)) == NULL) {
		err_set(l->e, "out of memory");
		return NULL;
	}
	return rg;
}

/* An account with a folder in the dump. */
static int
ld_account(struct ld *l, struct snap_account *a)
{
	char *rel = NULL, *file = NULL, *why = NULL, **regions = NULL;
	size_t nregions = 0;
	cJSON *json = NULL;
	enum got got;
	int rc = -1;

	if (account_regions(l, a->id, &regions, &nregions) != 0)
		goto out;
	/* access.error: aws-dump could not enter the account. */
	if ((rel = xasprintf("%s/access.json", a->id)) == NULL)
		goto nomem;
	if (ld_get(l, rel, &json, &why, &got) != 0)
		goto out;
	if (got == GOT_ERROR) {
		char *nf = NULL;

		if (part_set(&a->access, why) != 0 ||
		    (nf = xasprintf("not fetched: the account could not be entered (%s)",
		    why)) == NULL)
			goto nomem;
		if (part_set(&a->iam.part, nf) != 0) {
			free(nf);
			goto nomem;
		}
		for (size_t i = 0; i < nregions; i++) {
			struct snap_region *rg = add_region(l, a, regions[i]);

			if (rg == NULL || part_set(&rg->part, nf) != 0) {
				free(nf);
				goto nomem;
			}
		}
		free(nf);
		rc = 0;
		goto out;
	}
	/* access.json (not written by aws-dump) carries nothing we need. */
	cJSON_Delete(json), json = NULL;
	free(why), why = NULL;
	snap_part_ok(&a->access);

	free(rel);
	if ((rel = xasprintf("%s/iam.json", a->id)) == NULL)
		goto nomem;
	if (ld_get(l, rel, &json, &why, &got) != 0)
		goto out;
	if (got == GOT_JSON) {
		if ((file = ld_path(l->dir, "%s", rel)) == NULL)
			goto nomem;
		if (ld_iam(l, file, json, &a->iam) != 0)
			goto out;
	} else if (part_set(&a->iam.part, why) != 0) {
		goto nomem;
	}
	cJSON_Delete(json), json = NULL;
	free(why), why = NULL;

	for (size_t i = 0; i < nregions; i++) {
		struct snap_region *rg = add_region(l, a, regions[i]);

		if (rg == NULL)
			goto out;
		free(rel);
		free(file), file = NULL;
		if ((rel = xasprintf("%s/vpc-endpoints/%s.json", a->id, regions[i])) == NULL)
			goto nomem;
		if (ld_get(l, rel, &json, &why, &got) != 0)
			goto out;
		if (got == GOT_JSON) {
			if ((file = ld_path(l->dir, "%s", rel)) == NULL)
				goto nomem;
			if (ld_endpoints(l, file, json, rg) != 0)
				goto out;
		} else if (part_set(&rg->part, why) != 0) {
			goto nomem;
		}
		cJSON_Delete(json), json = NULL;
		free(why), why = NULL;
	}
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	cJSON_Delete(json);
	free(why);
	free(rel);
	free(file);
	strv_free(regions, nregions);
	return rc;
}

/* An organization account with no folder: nothing about it was dumped. */
static int
ld_account_absent(struct ld *l, struct snap_account *a)
{
	char *why = NULL;
	int rc = -1;

	if ((why = xasprintf("not in the dump (no folder %s/%s)", l->dir, a->id)) == NULL)
		goto out;
	if (part_set(&a->access, why) != 0 || part_set(&a->iam.part, why) != 0)
		goto out;
	for (size_t i = 0; i < l->nregions; i++) {
		struct snap_region *rg = add_region(l, a, l->regions[i]);

		if (rg == NULL || part_set(&rg->part, why) != 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		err_set(l->e, "out of memory");
	free(why);
	return rc;
}

/*
 * The accounts of the dump, as stubs in l->s (ids, and what the
 * organization listing says): the organization's plus every folder named
 * by an account id. Their IAM and endpoints are read one at a time by
 * offline_next, so that a large dump is never in memory at once.
 */
static int
ld_account_list(struct ld *l)
{
	DIR *d = opendir(l->dir);
	struct dirent *de;
	int rc = -1;

	if (d == NULL) {
		err_set(l->e, "%s: %s", l->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;
		bool dir;

		if (!is_account_id(de->d_name))
			continue;
		if ((p = ld_path(l->dir, "%s", de->d_name)) == NULL)
			goto nomem;
		dir = is_dir(p);
		free(p);
		if (dir && strv_add(&l->folders, &l->nfolders, de->d_name) != 0)
			goto nomem;
	}
	/* Folders of accounts the organization listing does not have (a
	 * single-account dump, or an account outside the org): no parent. */
	for (size_t i = 0; i < l->nfolders; i++) {
		struct snap_account a;

		if (snapshot_find_account(l->s, l->folders[i]) != NULL)
			continue;
		memset(&a, 0, sizeof(a));
		if ((a.id = strdup(l->folders[i])) == NULL ||
		    snapshot_add_account(l->s, &a, NULL) != 0)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	closedir(d);
	return rc;
}

/* ------------------------------------------------------- Organizations */

/* Mark the organization part incomplete (the first reason stays). */
static int
org_incomplete(struct ld *l, const char *why)
{
	if (snap_part_fail(&l->s->org.part, "%s", why) != 0) {
		err_set(l->e, "out of memory");
		return -1;
	}
	return 0;
}

/* A list file read whole by the CLI has no NextToken; one that has it was
 * saved one page at a time. */
static int
org_check_paged(struct ld *l, const char *file, const cJSON *json, const char *api)
{
	const char *token;
	char why[512];

	if (orgjson_next_token(json, api, &token, l->e) != 0) {
		err_prefix(l->e, "%s", file);
		return -1;
	}
	if (token == NULL)
		return 0;
	snprintf(why, sizeof(why), "%s holds only the first page (NextToken present): dump it "
	    "without --no-paginate", file);
	return org_incomplete(l, why);
}

/* Read one org file and hand it to fn; a .error or missing file makes the
 * organization incomplete. *present tells whether it was read. */
typedef int (*org_fn)(struct ld *l, const cJSON *json, void *arg);

static int
org_file(struct ld *l, const char *rel, const char *api, org_fn fn, void *arg, bool *present)
{
	cJSON *json = NULL;
	char *why = NULL, *file = NULL;
	enum got got;
	int rc = -1;

	if (present != NULL)
		*present = false;
	if (ld_get(l, rel, &json, &why, &got) != 0)
		goto out;
	if (got != GOT_JSON) {
		rc = org_incomplete(l, why);
		goto out;
	}
	if ((file = ld_path(l->dir, "%s", rel)) == NULL) {
		err_set(l->e, "out of memory");
		goto out;
	}
	if (fn(l, json, arg) != 0) {
		err_prefix(l->e, "%s", file);
		goto out;
	}
	if (api != NULL && org_check_paged(l, file, json, api) != 0)
		goto out;
	if (present != NULL)
		*present = true;
	rc = 0;
out:
	cJSON_Delete(json);
	free(why);
	free(file);
	return rc;
}

static int
fn_roots(struct ld *l, const cJSON *json, void *arg)
{
	(void)arg;
	return orgjson_list_roots(json, &l->s->org, l->e);
}

static int
fn_ous(struct ld *l, const cJSON *json, void *arg)
{
	return orgjson_list_ous(json, arg, &l->s->org, l->e);
}

static int
fn_accounts(struct ld *l, const cJSON *json, void *arg)
{
	return orgjson_list_accounts(json, arg, l->s, l->e);
}

static int
fn_policies(struct ld *l, const cJSON *json, void *arg)
{
	return orgjson_list_policies(json, *(enum snap_org_policy_type *)arg, &l->s->org, l->e);
}

static int
fn_describe_policy(struct ld *l, const cJSON *json, void *arg)
{
	struct snap_org_policy *p = NULL;
	const char *want = arg;

	if (orgjson_describe_policy(json, &l->s->org, &p, l->e) != 0)
		return -1;
	/* policy/p-1.json describing p-2 would attach p-2's text to the
	 * wrong targets file. */
	if (strcmp(p->id, want) != 0) {
		err_set(l->e, "organizations:DescribePolicy: Policy.PolicySummary.Id: %s, but "
		    "the file is named for %s", p->id, want);
		return -1;
	}
	return 0;
}

static int
fn_targets(struct ld *l, const cJSON *json, void *arg)
{
	struct snap_org_policy *p = orgjson_find_policy(&l->s->org, arg);

	if (p == NULL) {	/* listed just before: cannot happen */
		err_set(l->e, "policy %s vanished from the model", (const char *)arg);
		return -1;
	}
	return orgjson_list_targets(json, p, l->e);
}

/* A parent or policy id about to name a file. */
static int
check_id(struct ld *l, const char *what, const char *id)
{
	if (safe_name(id))
		return 0;
	err_set(l->e, "%s/org: %s id '%.64s' cannot name a file of the dump", l->dir, what, id);
	return -1;
}

static int
ld_org_tree(struct ld *l)
{
	struct snap_org *o = &l->s->org;
	char *parent = NULL, *rel = NULL;
	int rc = -1;

	/* Breadth first: every OU read appends its children to o->ous, and
	 * orgjson refuses an OU seen twice, so this ends. */
	for (size_t i = 0; i <= o->nous; i++) {
		/* The parent's id is copied: o->ous moves as it grows. */
		parent = strdup(i == 0 ? o->root_id : o->ous[i - 1].id);
		if (parent == NULL)
			goto nomem;
		if (check_id(l, i == 0 ? "root" : "OU", parent) != 0)
			goto out;
		if ((rel = xasprintf("org/ous/%s.json", parent)) == NULL)
			goto nomem;
		if (org_file(l, rel, "organizations:ListOrganizationalUnitsForParent", fn_ous,
		    parent, NULL) != 0)
			goto out;
		free(rel);
		if ((rel = xasprintf("org/accounts/%s.json", parent)) == NULL)
			goto nomem;
		if (org_file(l, rel, "organizations:ListAccountsForParent", fn_accounts, parent,
		    NULL) != 0)
			goto out;
		free(rel), rel = NULL;
		free(parent), parent = NULL;
	}
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	free(rel);
	free(parent);
	return rc;
}

static int
ld_org_policies(struct ld *l, enum snap_org_policy_type type, bool enabled)
{
	struct snap_org *o = &l->s->org;
	size_t first = o->npolicies;
	char *rel = NULL, *id = NULL, *why = NULL;
	bool present = false;
	int rc = -1;
	cJSON *json = NULL;
	enum got got;

	if ((rel = xasprintf("org/policies/%s.json", orgjson_policy_type_name(type))) == NULL)
		goto nomem;
	/* A type not enabled on the root is not in force: its list is not
	 * needed, so its absence or failure leaves nothing unknown. */
	if (!enabled) {
		if (ld_get(l, rel, &json, &why, &got) != 0)
			goto out;
		if (got != GOT_JSON) {
			rc = 0;
			goto out;
		}
		cJSON_Delete(json), json = NULL;
	}
	if (org_file(l, rel, "organizations:ListPolicies", fn_policies, &type, &present) != 0)
		goto out;
	for (size_t i = first; present && i < o->npolicies; i++) {
		if ((id = strdup(o->policies[i].id)) == NULL)
			goto nomem;
		if (check_id(l, "policy", id) != 0)
			goto out;
		free(rel);
		if ((rel = xasprintf("org/policy/%s.json", id)) == NULL)
			goto nomem;
		if (org_file(l, rel, NULL, fn_describe_policy, id, NULL) != 0)
			goto out;
		free(rel);
		if ((rel = xasprintf("org/targets/%s.json", id)) == NULL)
			goto nomem;
		if (org_file(l, rel, "organizations:ListTargetsForPolicy", fn_targets, id,
		    NULL) != 0)
			goto out;
		free(id), id = NULL;
	}
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	cJSON_Delete(json);
	free(why);
	free(rel);
	free(id);
	return rc;
}

static int
fn_describe_org(struct ld *l, const cJSON *json, void *arg)
{
	(void)arg;
	return orgjson_describe_organization(json, &l->s->org, l->e);
}

static int
ld_org(struct ld *l)
{
	struct snap_org *o = &l->s->org;
	char *odir = ld_path(l->dir, "org"), *why = NULL;
	cJSON *json = NULL;
	enum got got;
	bool present = false;
	int rc = -1;

	if (odir == NULL)
		goto nomem;
	if (!is_dir(odir)) {
		o->mode = SNAP_ORG_UNKNOWN;
		why = xasprintf("no organization data in %s (no org/ folder): service and "
		    "resource control policies unknown", l->dir);
		if (why == NULL)
			goto nomem;
		if (part_set(&o->part, why) != 0)
			goto nomem;
		rc = 0;
		goto out;
	}
	if (ld_get(l, "org/describe-organization.json", &json, &why, &got) != 0)
		goto out;
	if (got == GOT_ERROR && strstr(why, "AWSOrganizationsNotInUseException") != NULL) {
		o->mode = SNAP_ORG_NONE;
		snap_part_ok(&o->part);
		rc = 0;
		goto out;
	}
	if (got != GOT_JSON) {
		o->mode = SNAP_ORG_UNKNOWN;
		rc = part_set(&o->part, why) == 0 ? 0 : -1;
		if (rc != 0)
			goto nomem;
		goto out;
	}
	cJSON_Delete(json), json = NULL;
	/* From here on the organization exists; what cannot be read makes it
	 * incomplete, starting complete. */
	o->mode = SNAP_ORG_PRESENT;
	snap_part_ok(&o->part);
	if (org_file(l, "org/describe-organization.json", NULL, fn_describe_org, NULL,
	    NULL) != 0 ||
	    org_file(l, "org/list-roots.json", "organizations:ListRoots", fn_roots, NULL,
	    &present) != 0)
		goto out;
	if (present && o->root_id == NULL && org_incomplete(l, "org/list-roots.json lists no "
	    "root") != 0)
		goto out;
	if (o->root_id != NULL && ld_org_tree(l) != 0)
		goto out;
	/* Without the root the policy types in force are unknown: read both
	 * lists as if enabled. */
	if (ld_org_policies(l, SNAP_SCP, o->scp_enabled || o->root_id == NULL) != 0 ||
	    ld_org_policies(l, SNAP_RCP, o->rcp_enabled || o->root_id == NULL) != 0)
		goto out;
	rc = 0;
	goto out;
nomem:
	err_set(l->e, "out of memory");
out:
	cJSON_Delete(json);
	free(why);
	free(odir);
	return rc;
}

/* ------------------------------------------------------- aws-dump.json */

static int
ld_dump_info(struct ld *l)
{
	cJSON *json = NULL;
	char *why = NULL, *file = ld_path(l->dir, API_DUMP);
	struct jr j = { .e = l->e, .api = "aws-dump" };
	enum got got;
	const cJSON *v, *arr;
	char *when = NULL;
	int rc = -1;

	if (file == NULL) {
		err_set(l->e, "out of memory");
		goto out;
	}
	j.file = file;
	if (ld_get(l, API_DUMP, &json, &why, &got) != 0)
		goto out;
	if (got != GOT_JSON) {
		rc = 0;	/* optional */
		goto out;
	}
	if (!cJSON_IsObject(json)) {
		jr_fail(&j, "not a JSON object");
		goto out;
	}
	v = jr_member(json, "dump_version");
	if (!cJSON_IsNumber(v)) {
		jr_fail(&j, "dump_version: missing or not a number");
		goto out;
	}
	if (v->valuedouble != 1) {
		jr_fail(&j, "dump_version: %g is not 1, the version this program reads",
		    v->valuedouble);
		goto out;
	}
	jr_str(&j, json, "taken_at", false, &when);
	jr_str(&j, json, "partition", false, &l->s->partition);
	arr = jr_arr(&j, json, "regions", false);
	for (const cJSON *r = arr != NULL ? arr->child : NULL; r != NULL && !j.failed;
	    r = r->next) {
		if (!cJSON_IsString(r) || !safe_name(r->valuestring))
			jr_fail(&j, "regions: not a list of region names");
		else if (strv_add(&l->regions, &l->nregions, r->valuestring) != 0)
			jr_fail(&j, "out of memory");
	}
	if (j.failed)
		goto out;
	if (when != NULL) {
		struct tm tm;
		char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (end == NULL || *end != '\0') {
			jr_fail(&j, "taken_at: \"%.40s\" is not like 2026-11-23T11:07:41Z", when);
			goto out;
		}
		l->s->taken_at = timegm(&tm);
	}
	rc = 0;
out:
	free(when);
	cJSON_Delete(json);
	free(why);
	free(file);
	return rc;
}

/* The partition of the first ARN of the first account read (or of the
 * organization's policies): "aws" without any. Accounts come in id order,
 * so this does not depend on readdir order. */
static int
guess_partition(struct snapshot *s, const struct snap_account *a)
{
	const char *arn = NULL;
	const char *p, *q;

	if (a->iam.nroles > 0)
		arn = a->iam.roles[0].arn;
	else if (a->iam.nusers > 0)
		arn = a->iam.users[0].arn;
	else if (a->iam.npolicies > 0)
		arn = a->iam.policies[0].arn;
	if (arn == NULL && s->org.npolicies > 0)
		arn = s->org.policies[0].arn;
	if (arn == NULL)
		return 0;
	p = strncmp(arn, "arn:", 4) == 0 ? arn + 4 : NULL;
	if (p != NULL && (q = strchr(p, ':')) != NULL && q > p && q - p < 32)
		s->partition = strndup(p, (size_t)(q - p));
	else
		s->partition = strdup("aws");
	return s->partition != NULL ? 0 : -1;
}

struct offline_src {
	struct ld l;
	char *clean;
};

void
offline_close(struct offline_src *o)
{
	if (o == NULL)
		return;
	snapshot_free(o->l.s);
	buf_free(&o->l.file);
	strv_free(o->l.regions, o->l.nregions);
	strv_free(o->l.folders, o->l.nfolders);
	free(o->clean);
	free(o);
}

struct offline_src *
offline_open(const char *dir, struct err *e)
{
	struct offline_src *o = calloc(1, sizeof(*o));
	struct snapshot *s;
	size_t dlen = strlen(dir);

	if (o == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	buf_init(&o->l.file, OFFLINE_FILE_MAX);
	/* "DIR/" and "DIR" name the same dump: keep paths in messages tidy. */
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if ((o->clean = strndup(dir, dlen)) == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	o->l.dir = o->clean;
	o->l.e = e;
	if (!is_dir(o->clean)) {
		err_set(e, "%s: not a directory (an offline dump is a folder written by "
		    "scripts/aws-dump)", o->clean);
		goto fail;
	}
	if ((s = o->l.s = snapshot_new(e)) == NULL)
		goto fail;
	if ((s->source = xasprintf("offline:%s", o->clean)) == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (ld_dump_info(&o->l) != 0)
		goto fail;
	o->l.dump_time = s->taken_at != 0;
	if (ld_org(&o->l) != 0 || ld_account_list(&o->l) != 0)
		goto fail;
	/* Sorted first, so that accounts come in id order and "the first
	 * ARN" does not depend on readdir order. */
	snapshot_sort(s);
	if (!o->l.dump_time)
		s->taken_at = o->l.newest;
	return o;
fail:
	offline_close(o);
	return NULL;
}

const struct snapshot *
offline_shell(const struct offline_src *o)
{
	return o->l.s;
}

int
offline_next(struct offline_src *o, struct snap_account *out, struct err *e)
{
	struct ld *l = &o->l;
	struct snapshot *s = l->s;
	struct snap_account *a;

	memset(out, 0, sizeof(*out));
	if (l->next >= s->naccounts)
		return 0;
	l->e = e;
	a = &s->accounts[l->next++];
	if ((strv_has(l->folders, l->nfolders, a->id) ? ld_account(l, a) :
	    ld_account_absent(l, a)) != 0)
		return -1;
	/* The stub stays (an id for lookups); the account moves out. */
	if (snapshot_move_account(a, out, e) != 0)
		return -1;
	snapshot_sort_account(out);
	if (s->partition == NULL && guess_partition(s, out) != 0) {
		err_set(e, "out of memory");
		return -1;
	}
	if (!l->dump_time && l->newest > s->taken_at)
		s->taken_at = l->newest;
	return 1;
}

static int
offline_next_cb(void *src, struct snap_account *out, struct err *e)
{
	return offline_next(src, out, e);
}

struct snapshot *
offline_load(const char *dir, struct err *e)
{
	struct offline_src *o = offline_open(dir, e);
	struct snapshot *s;

	if (o == NULL)
		return NULL;
	/* The shell gives the organization and the run's facts. */
	s = snapshot_gather(offline_next_cb, o, o->l.s, e);
	if (s != NULL && s->partition == NULL && (s->partition = strdup("aws")) == NULL) {
		err_set(e, "out of memory");
		snapshot_free(s);
		s = NULL;
	}
	offline_close(o);
	return s;
}
