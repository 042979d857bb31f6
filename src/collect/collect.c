/*
 * collect_snapshot(): who am I, the organization, which accounts, then every
 * account's IAM and VPC endpoints on a bounded pool of worker threads.
 *
 * Work is split into tasks: ENTER an account (its credentials: the daemon's
 * own for its own account, sts:AssumeRole for the others), then IAM once
 * and DescribeVpcEndpoints once per region. cfg->collect.concurrency
 * workers take tasks from one queue; an entered account's tasks go to the
 * front, so accounts are finished one after the other (few live sessions)
 * while its regions and IAM still run side by side. Each task makes its own
 * aws_client (clients are not thread-safe); the account's credential
 * provider is shared by its tasks and is thread-safe (creds_assume.c, or
 * the caller's base: the static provider only reads, the chain's adapter
 * locks).
 */
#include "config.h"

#include "collect/collect.h"
#include "collect/awsconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/creds/creds_sts.h"
#include "aws/sts.h"
#include "aws/creds/creds_assume.h"
#include "collect/collect_org.h"
#include "log.h"

#define COLLECT_DEFAULT_CONCURRENCY 8
#define COLLECT_MAX_THREADS 256
#define COLLECT_DEFAULT_SESSION "passrole-auditd"

enum task_kind { TASK_ENTER, TASK_IAM, TASK_REGION };

/* One selected account while it is fetched. */
struct job {
	struct snap_account *a;		/* in s->accounts, which no longer moves */
	struct aws_creds_provider *creds;	/* base (borrowed) or owned */
	bool owned;
	unsigned pending;		/* tasks queued or running, under pool.mu */
	bool queued;			/* its ENTER task was queued */
};

struct task {
	enum task_kind kind;
	struct job *job;
	size_t region;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct task *ring;		/* a deque: front pushes for entered accounts */
	size_t cap, head, count;
	unsigned running;
	bool fatal;
	struct err fatal_e;

	const struct config *cfg;
	struct aws_creds_provider *base;
	const volatile sig_atomic_t *stop;
	const char *caller_account;
	const char *partition;
	char sts_endpoint[512];
	struct aws_client_opts copts;	/* region set per task */

	struct job *jobs;
	size_t njobs;
	/* Accounts are taken in a window: ENTER tasks are queued for at most
	 * `window` accounts that the consumer has not taken yet, so that no
	 * more than that are in memory at once. fed: ENTER tasks queued so
	 * far; taken: accounts handed to the consumer. The workers keep
	 * waiting for tasks while feeding. */
	size_t window, fed, taken;
	bool feeding;
	pthread_t th[COLLECT_MAX_THREADS];
	size_t nth;
};

static bool
stopped(const struct pool *p)
{
	return p->stop != NULL && *p->stop != 0;
}

/*
 * The retry layer's sleep, cut short by the stop flag: a throttled call may
 * wait up to aws.retry.max_delay_ms between attempts, and a stopping
 * daemon must not sit through that. The call then makes its next attempt
 * at once and the run ends after it.
 */
static void
stop_sleep(void *ctx, unsigned ms)
{
	const struct pool *p = ctx;

	retry_sleep_stoppable(ms, p->stop);
}

static bool
strlist_has(const struct confschema_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (s != NULL && strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

/* Is the account selected by the include/exclude lists? OU filters apply to
 * accounts anywhere below the OU (or the root, if named). */
static bool
selected(const struct config *cfg, const struct snapshot *s, const struct snap_account *a)
{
	const struct config_collect *cc = &cfg->collect;
	const char *chain[ORG_MAX_OU_DEPTH + 2];
	bool below = false;
	int n;

	if (a->status != NULL && strcmp(a->status, "ACTIVE") != 0) {
		log_info("account %s: status %s, not audited", a->id, a->status);
		return false;
	}
	if (cc->accounts_include.n > 0 && !strlist_has(&cc->accounts_include, a->id))
		return false;
	if (strlist_has(&cc->accounts_exclude, a->id))
		return false;
	if (cc->ous_include.n == 0 && cc->ous_exclude.n == 0)
		return true;
	if (s->org.mode != SNAP_ORG_PRESENT) {
		log_warn("account %s: OU filters ignored: the organization could not be read",
		    a->id);
		return true;
	}
	n = snapshot_parent_chain(s, a, chain, sizeof(chain) / sizeof(*chain), NULL);
	if (n < 0) {
		/* Unknown place in the tree: an include list cannot vouch for it,
		 * an exclude list cannot rule it out. */
		log_warn("account %s: its OU is unknown; %s", a->id,
		    cc->ous_include.n > 0 ? "not audited (collect.ous_include)" : "audited");
		return cc->ous_include.n == 0;
	}
	for (int i = 0; i < n; i++) {
		if (strlist_has(&cc->ous_exclude, chain[i]))
			return false;
		if (strlist_has(&cc->ous_include, chain[i]))
			below = true;
	}
	return cc->ous_include.n == 0 || below;
}

/* The caller's own account, when the organization did not list it. */
static int
add_own_account(struct snapshot *s, const char *id, struct err *e)
{
	struct snap_account a;

	memset(&a, 0, sizeof(a));
	if ((a.id = snap_strdup(id, e)) == NULL)
		return -1;
	a.is_management = s->org.management_account != NULL &&
	    strcmp(s->org.management_account, id) == 0;
	return snapshot_add_account(s, &a, e);
}

/* Keep the selected accounts only, each with its regions "not fetched". */
static int
select_accounts(const struct config *cfg, struct snapshot *s, const char *own, struct err *e)
{
	const struct config_collect *cc = &cfg->collect;
	const char *one_region[1] = { cfg->aws.region };
	const char *const *regions = (const char *const *)cc->regions.items;
	size_t nregions = cc->regions.n, kept = 0, dropped = 0;
	bool members = cc->member_role != NULL && cc->member_role[0] != '\0';

	if (nregions == 0) {
		regions = one_region;
		nregions = 1;
	}
	for (size_t i = 0; i < s->naccounts; i++) {
		struct snap_account *a = &s->accounts[i];
		bool mine = strcmp(a->id, own) == 0;

		if ((!mine && !members) || !selected(cfg, s, a)) {
			snap_account_clear(a);
			dropped++;
			continue;
		}
		if (kept != i) {
			s->accounts[kept] = *a;
			memset(a, 0, sizeof(*a));
		}
		a = &s->accounts[kept++];
		collect_part_reset(&a->access);
		collect_part_reset(&a->iam.part);
		if (snap_part_fail(&a->access, "not fetched") != 0 ||
		    snap_part_fail(&a->iam.part, "not fetched") != 0)
			goto nomem;
		if ((a->regions = calloc(nregions, sizeof(*a->regions))) == NULL)
			goto nomem;
		a->nregions = nregions;
		for (size_t r = 0; r < nregions; r++) {
			if ((a->regions[r].name = snap_strdup(regions[r], e)) == NULL ||
			    snap_part_fail(&a->regions[r].part, "not fetched") != 0)
				goto nomem;
		}
	}
	s->naccounts = kept;
	if (dropped > 0)
		log_info("%zu account(s) selected, %zu left out%s", kept, dropped,
		    members ? "" : " (collect.member_role is not set: own account only)");
	return 0;
nomem:
	/* Slots already moved or cleared are zeroed: snapshot_free copes. */
	err_set(e, "out of memory");
	return -1;
}

/* Mark what an account could not have because it was not entered. */
static int
fail_account(struct snap_account *a, const char *why)
{
	/* The parts hold "not fetched", and a part keeps its first reason. */
	collect_part_reset(&a->access);
	collect_part_reset(&a->iam.part);
	for (size_t r = 0; r < a->nregions; r++)
		collect_part_reset(&a->regions[r].part);
	if (snap_part_fail(&a->access, "%s", why) != 0 ||
	    snap_part_fail(&a->iam.part, "not fetched: the account could not be entered (%s)",
	    why) != 0)
		return -1;
	for (size_t r = 0; r < a->nregions; r++)
		if (snap_part_fail(&a->regions[r].part,
		    "not fetched: the account could not be entered (%s)", why) != 0)
			return -1;
	return 0;
}

static void
pool_push(struct pool *p, struct task t, bool front)
{
	/* cap is the most tasks a run can have: never full. */
	if (front) {
		p->head = (p->head + p->cap - 1) % p->cap;
		p->ring[p->head] = t;
	} else {
		p->ring[(p->head + p->count) % p->cap] = t;
	}
	p->count++;
	t.job->pending++;
	if (t.kind == TASK_ENTER)
		t.job->queued = true;
}

static void
pool_fatal(struct pool *p, const struct err *e)
{
	pthread_mutex_lock(&p->mu);
	if (!p->fatal) {
		p->fatal = true;
		p->fatal_e = *e;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static int
role_arn(const struct pool *p, const char *account, char *out, size_t n)
{
	const char *role = p->cfg->collect.member_role;

	while (*role == '/')
		role++;
	return snprintf(out, n, "arn:%s:iam::%s:role/%s", p->partition, account, role) <
	    (int)n ? 0 : -1;
}

/* ENTER: the account's credentials, tried once so that a refused
 * AssumeRole is found here and not in every later call. */
static int
task_enter(struct pool *p, struct job *j, struct err *e)
{
	const struct config_collect *cc = &p->cfg->collect;
	struct creds_assume_opts ao;
	struct aws_credentials probe = { 0 };
	struct err ce;
	char arn[512];

	err_clear(&ce);
	if (strcmp(j->a->id, p->caller_account) == 0) {
		j->creds = p->base;
		j->owned = false;
		return snap_part_ok(&j->a->access);
	}
	if (role_arn(p, j->a->id, arn, sizeof(arn)) != 0) {
		err_set(&ce, "collect.member_role: the role ARN is too long");
		goto refused;
	}
	memset(&ao, 0, sizeof(ao));
	ao.role_arn = arn;
	ao.session_name = cc->session_name != NULL && cc->session_name[0] != '\0' ?
	    cc->session_name : COLLECT_DEFAULT_SESSION;
	ao.external_id = cc->external_id;
	ao.duration_s = cc->session_duration;
	ao.region = p->cfg->aws.region != NULL ? p->cfg->aws.region : "us-east-1";
	ao.endpoint = p->sts_endpoint;
	ao.ca_bundle = p->cfg->aws.ca_bundle;
	ao.proxy = p->cfg->aws.proxy;
	ao.timeout_ms = (long)p->cfg->aws.request_timeout * 1000;
	if ((j->creds = creds_assume_provider_new(p->base, &ao, e)) == NULL)
		return -1;
	j->owned = true;
	if (j->creds->get(j->creds, &probe, &ce) != 0)
		goto refused;
	aws_credentials_clear(&probe);
	return snap_part_ok(&j->a->access);
refused:
	log_warn("account %s: cannot be entered: %s", j->a->id, ce.msg);
	if (fail_account(j->a, ce.msg) != 0) {
		err_set(e, "out of memory");
		return -1;
	}
	return 1;
}

/* A collector that returned without deciding its part is a bug; the part
 * must not then pass for complete or carry "not fetched". */
static int
check_decided(struct snap_part *part, const char *what)
{
	if (part->complete || part->why != NULL)
		return 0;
	return snap_part_fail(part, "%s: the collector did not record an outcome", what);
}

static int
task_fetch(struct pool *p, const struct task *t, struct err *e)
{
	struct snap_account *a = t->job->a;
	struct aws_client_opts o = p->copts;
	struct aws_client *c;
	struct snap_part *part;
	struct err ce;
	int page = p->cfg->collect.page_size, rc;

	if (t->kind == TASK_REGION) {
		o.region = a->regions[t->region].name;
		part = &a->regions[t->region].part;
	} else {
		part = &a->iam.part;
	}
	err_clear(&ce);
	collect_part_reset(part);
	if ((c = aws_client_new(&o, t->job->creds, &ce)) == NULL)
		return snap_part_fail(part, "%s", ce.msg) == 0 ? 0 : -1;
	aws_client_set_sleep(c, stop_sleep, p);
	if (t->kind == TASK_IAM)
		rc = collect_iam(c, &a->iam, page, e);
	else
		rc = collect_endpoints(c, &a->regions[t->region], page, e);
	aws_client_free(c);
	if (rc != 0)
		return -1;
	return check_decided(part, t->kind == TASK_IAM ? "iam:GetAccountAuthorizationDetails" :
	    "ec2:DescribeVpcEndpoints");
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct task t;
	struct err e;
	int rc;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->count == 0 && (p->running > 0 || p->feeding) && !p->fatal)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->count == 0 || p->fatal)
			break;
		t = p->ring[p->head];
		p->head = (p->head + 1) % p->cap;
		p->count--;
		p->running++;
		pthread_mutex_unlock(&p->mu);

		err_clear(&e);
		rc = 0;
		/* Interrupted: the queue is drained without calls. */
		if (!stopped(p)) {
			if (t.kind == TASK_ENTER)
				rc = task_enter(p, t.job, &e);
			else
				rc = task_fetch(p, &t, &e);
		}
		if (rc < 0)
			pool_fatal(p, &e);

		pthread_mutex_lock(&p->mu);
		if (t.kind == TASK_ENTER && rc == 0 && !stopped(p)) {
			for (size_t r = t.job->a->nregions; r > 0; r--)
				pool_push(p, (struct task){ TASK_REGION, t.job, r - 1 }, true);
			pool_push(p, (struct task){ TASK_IAM, t.job, 0 }, true);
		}
		p->running--;
		if (--t.job->pending == 0 && t.job->owned) {
			/* Its last task: the session is no longer needed. */
			aws_creds_provider_free(t.job->creds);
			t.job->creds = NULL;
			t.job->owned = false;
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Queue the first window's ENTER tasks and start the workers. 0, or -1
 * with e set and nothing started. */
static int
pool_start(struct pool *p, struct snapshot *s, struct err *e)
{
	size_t want, ntasks = 0;
	int conc = p->cfg->collect.concurrency;

	if (s->naccounts == 0)
		return 0;
	if (conc <= 0)
		conc = COLLECT_DEFAULT_CONCURRENCY;
	if (conc > COLLECT_MAX_THREADS)
		conc = COLLECT_MAX_THREADS;
	for (size_t i = 0; i < s->naccounts; i++)
		ntasks += 2 + s->accounts[i].nregions;
	p->njobs = s->naccounts;
	p->jobs = calloc(s->naccounts, sizeof(*p->jobs));
	p->cap = ntasks;
	p->ring = calloc(ntasks, sizeof(*p->ring));
	if (p->jobs == NULL || p->ring == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->naccounts; i++)
		p->jobs[i].a = &s->accounts[i];
	/* As many accounts at once as workers: each worker has an account
	 * to fetch, and the consumer takes them in order. */
	p->window = (size_t)conc;
	while (p->fed < p->njobs && p->fed < p->window)
		pool_push(p, (struct task){ TASK_ENTER, &p->jobs[p->fed++], 0 }, false);
	p->feeding = p->fed < p->njobs;
	want = (size_t)conc < ntasks ? (size_t)conc : ntasks;
	for (p->nth = 0; p->nth < want; p->nth++) {
		if (pthread_create(&p->th[p->nth], NULL, worker, p) != 0) {
			if (p->nth == 0) {
				err_set(e, "cannot start a collector thread");
				return -1;
			}
			log_warn("collect: only %zu of %zu worker threads started", p->nth, want);
			break;
		}
	}
	return 0;
}

/* Stop feeding: the workers end once the queue is empty. */
static void
pool_stop_feeding(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->feeding = false;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * The next account in order once all its tasks have run, moved into *out
 * (a stub with its id and parent stays in the snapshot), and the next
 * account's ENTER queued: 1, 0 when every account was taken, -1 with e
 * (a worker's fatal error, or interrupted).
 */
static int
pool_take(struct pool *p, struct snap_account *out, struct err *e)
{
	struct snap_account *a;
	struct job *j;
	int rc = 1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->mu);
	if (p->taken >= p->njobs) {
		rc = 0;
		goto out;
	}
	j = &p->jobs[p->taken];
	while (!p->fatal && !(j->queued && j->pending == 0))
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->fatal) {
		err_set(e, "%s", p->fatal_e.msg);
		rc = -1;
		goto out;
	}
	if (stopped(p)) {
		err_set(e, "interrupted");
		rc = -1;
		goto out;
	}
	a = j->a;
	if (snapshot_move_account(a, out, e) != 0) {
		rc = -1;
		goto out;
	}
	p->taken++;
	if (p->fed < p->njobs)
		pool_push(p, (struct task){ TASK_ENTER, &p->jobs[p->fed++], 0 }, false);
	p->feeding = p->fed < p->njobs;
	pthread_cond_broadcast(&p->cv);
out:
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Wait for the workers; free what the pool holds. -1 with e when a worker
 * met a fatal error. */
static int
pool_join(struct pool *p, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	p->nth = 0;
	if (p->fatal) {
		err_set(e, "%s", p->fatal_e.msg);
		rc = -1;
	}
	/* Sessions of accounts whose tasks never ran (fatal stop). */
	for (size_t i = 0; p->jobs != NULL && i < p->njobs; i++)
		if (p->jobs[i].owned)
			aws_creds_provider_free(p->jobs[i].creds);
	free(p->jobs);
	free(p->ring);
	p->jobs = NULL;
	p->ring = NULL;
	return rc;
}

struct collect_stream {
	struct pool p;
	struct snapshot *s;
	struct aws_client *c;
	struct sts_identity id;
	bool pool_ready, started;
};

void
collect_stream_close(struct collect_stream *cs)
{
	if (cs == NULL)
		return;
	if (cs->started) {
		pool_stop_feeding(&cs->p);
		/* A consumer that stops early: the workers end once the
		 * queued tasks are done (or drained, when stopping). */
		pool_join(&cs->p, NULL);
	}
	if (cs->pool_ready) {
		pthread_cond_destroy(&cs->p.cv);
		pthread_mutex_destroy(&cs->p.mu);
	}
	aws_client_free(cs->c);
	snapshot_free(cs->s);
	free(cs);
}

struct collect_stream *
collect_stream_open(const struct config *cfg, struct aws_creds_provider *base,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct collect_stream *cs = calloc(1, sizeof(*cs));
	struct pool *p;
	struct snapshot *s;
	int org_rc;

	if (cs == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	p = &cs->p;
	p->cfg = cfg;
	p->base = base;
	p->stop = stop;
	p->partition = config_partition_name(cfg->aws.partition);
	awsconf_client_opts(cfg, &p->copts);
	if (cfg->aws.endpoints.sts != NULL)
		snprintf(p->sts_endpoint, sizeof(p->sts_endpoint), "%s", cfg->aws.endpoints.sts);
	else
		creds_sts_endpoint(cfg->aws.region, p->sts_endpoint, sizeof(p->sts_endpoint));
	/* A trailing '/' would double in the STS URL. */
	for (size_t n = strlen(p->sts_endpoint); n > 0 && p->sts_endpoint[n - 1] == '/'; n--)
		p->sts_endpoint[n - 1] = '\0';

	if ((s = cs->s = snapshot_new(e)) == NULL)
		goto fail;
	s->taken_at = time(NULL);
	if ((s->partition = snap_strdup(p->partition, e)) == NULL ||
	    (s->source = snap_strdup("live", e)) == NULL)
		goto fail;
	/* Also makes libcurl's global state before any worker thread exists. */
	if ((cs->c = aws_client_new(&p->copts, base, e)) == NULL)
		goto fail;
	aws_client_set_sleep(cs->c, stop_sleep, p);
	if (sts_get_caller_identity(cs->c, &cs->id, e) != 0) {
		err_prefix(e, "who the collector is");
		goto fail;
	}
	p->caller_account = cs->id.account;
	log_info("collect: as %s (account %s)", cs->id.arn, cs->id.account);

	if (cfg->collect.organizations == CONFIG_ORG_OFF) {
		collect_part_reset(&s->org.part);
		if (snap_part_fail(&s->org.part, "not read: collect.organizations is off") != 0) {
			err_set(e, "out of memory");
			goto fail;
		}
	} else if (collect_org_tree(cs->c, s, cfg->collect.page_size, stop, e) != 0) {
		goto fail;
	}
	if (stopped(p))
		goto interrupted;
	if (snapshot_find_account(s, cs->id.account) == NULL &&
	    add_own_account(s, cs->id.account, e) != 0)
		goto fail;
	if (select_accounts(cfg, s, cs->id.account, e) != 0)
		goto fail;
	/* Taken in id order, as every other source gives them. */
	snapshot_sort(s);

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	cs->pool_ready = true;
	if (pool_start(p, s, e) != 0) {
		pool_stop_feeding(p);
		pool_join(p, NULL);
		goto fail;
	}
	cs->started = true;
	/* The SCPs and RCPs while the first accounts are fetched: only this
	 * thread touches s->org now, and the audit needs them before it
	 * takes the first account. */
	org_rc = collect_org_policies(cs->c, s, cfg->collect.page_size, stop, e);
	if (org_rc != 0)
		goto fail;
	if (stopped(p))
		goto interrupted;
	snapshot_sort(s);
	log_info("collect: %zu account(s), organization %s", s->naccounts,
	    s->org.mode == SNAP_ORG_PRESENT ? "read" :
	    s->org.mode == SNAP_ORG_NONE ? "none" : "unknown (single-account mode)");
	return cs;
interrupted:
	err_set(e, "interrupted");
fail:
	collect_stream_close(cs);
	return NULL;
}

const struct snapshot *
collect_stream_shell(const struct collect_stream *cs)
{
	return cs->s;
}

int
collect_stream_next(struct collect_stream *cs, struct snap_account *out, struct err *e)
{
	int r = pool_take(&cs->p, out, e);

	if (r == 1)
		snapshot_sort_account(out);
	return r;
}

static int
collect_next_cb(void *src, struct snap_account *out, struct err *e)
{
	return collect_stream_next(src, out, e);
}

struct snapshot *
collect_snapshot(const struct config *cfg, struct aws_creds_provider *base,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct collect_stream *cs = collect_stream_open(cfg, base, stop, e);
	struct snapshot *s;

	if (cs == NULL)
		return NULL;
	s = snapshot_gather(collect_next_cb, cs, cs->s, e);
	if (s != NULL)
		log_info("collect: %zu account(s), %s", s->naccounts,
		    snapshot_complete(s) ? "complete" : "incomplete");
	collect_stream_close(cs);
	return s;
}
