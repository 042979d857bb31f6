/*
 * Wildcard and ARN matching as IAM does it.
 *
 * `*` matches any run of characters (also empty), `?` exactly one character
 * (a whole UTF-8 sequence). Policy variables ${*}, ${?} and ${$} stand for the
 * literal characters: the variable substitution marks such a literal with the
 * escape byte MATCH_ESC in front of it, and the matchers here treat the byte
 * after MATCH_ESC as an ordinary character. No other escape exists.
 */
#ifndef PRA_POLICY_MATCH_H
#define PRA_POLICY_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#define MATCH_ESC '\x01'

/* Does text match the glob pattern? nocase folds ASCII letters only, which is
 * what IAM does for action names and the IgnoreCase string operators. */
bool match_glob(const char *pattern, const char *text, bool nocase);
/* Same with explicit lengths (text need not be NUL-terminated). */
bool match_glob_n(const char *pattern, size_t plen, const char *text, size_t tlen, bool nocase);
/* True when the pattern has an unescaped * or ?. */
bool match_has_wildcard(const char *pattern);

/*
 * ARN matching for Resource/NotResource and the Arn* condition operators.
 * An ARN is arn:partition:service:region:account:resource; the first five
 * colons split it into six parts and each part is matched on its own, so a
 * wildcard never crosses one of those five colons (the resource part keeps
 * any further colons and slashes, and a wildcard there spans them). A
 * pattern that is exactly "*" matches anything. A pattern or value with
 * fewer than six parts matches only by plain string equality (case-sensitive),
 * as IAM does for malformed ARNs.
 */
bool match_arn(const char *pattern, const char *arn);

/*
 * For a resource the caller chooses (ctx_set_resource_open): is there an
 * ARN that both the policy's pattern and the request's pattern (its "*"
 * and "?" standing for what the caller picks) match, part by part as in
 * match_arn? Patterns too long to compare (their product of lengths above
 * MATCH_OVERLAP_MAX) count as overlapping: an Allow is then assumed to
 * apply rather than silently dropped.
 */
#define MATCH_OVERLAP_MAX (1u << 20)
bool match_glob_overlap_n(const char *a, size_t la, const char *b, size_t lb);
bool match_arn_overlap(const char *pattern, const char *arn);

#endif
