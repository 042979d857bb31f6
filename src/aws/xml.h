/*
 * A small, bounded XML tree for AWS query/EC2 responses, built with expat.
 *
 * Hostile input is expected: the parse refuses documents over max_bytes,
 * deeper than max_depth or with more than max_nodes elements, and any DOCTYPE
 * (so no entity can be declared, expanded or loaded). Names are stored by
 * local name with any prefix dropped; lookups ignore namespaces because AWS
 * namespace URIs vary by partition and version and carry no meaning here.
 *
 * Text: an element's character data is kept when it has no child elements,
 * with leading and trailing whitespace trimmed (AWS pretty-prints and wraps);
 * the whitespace between child elements is dropped.
 */
#ifndef PRA_AWS_XML_H
#define PRA_AWS_XML_H

#include <stddef.h>

#include "util/err.h"

struct xml_limits {
	size_t max_bytes;
	unsigned max_depth;
	size_t max_nodes;
};

/* 64 MiB, depth 64, 4 million elements: well above any IAM page. */
#define XML_DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define XML_DEFAULT_MAX_DEPTH 64
#define XML_DEFAULT_MAX_NODES ((size_t)4 << 20)

void xml_limits_default(struct xml_limits *l);

struct xml_node {
	char *name;		/* local name, owned */
	char *text;		/* trimmed text (leaf elements), "" otherwise, owned */
	size_t text_len;
	struct xml_node *parent, *first_child, *last_child, *next;
};

struct xml_doc {
	struct xml_node *root;
	size_t nodes;
};

/* Parse len bytes. On success *out owns the tree (free with xml_free). On
 * failure e says why and where (line:column). */
int xml_parse(const char *data, size_t len, const struct xml_limits *lim, struct xml_doc **out,
    struct err *e);
void xml_free(struct xml_doc *doc);

/* First child of n with local name `name`, or NULL. n may be NULL. */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* Follow a '/'-separated path of local names from n ("Error/Code"). */
const struct xml_node *xml_path(const struct xml_node *n, const char *path);
/* Text of the node at path below n, or NULL when absent. */
const char *xml_path_text(const struct xml_node *n, const char *path);
/* Next sibling after n with the same local name, or NULL. */
const struct xml_node *xml_next_same(const struct xml_node *n);

/* List walking: the first <member> or <item> child of a list element (NULL
 * when the list is empty or absent), then xml_list_next for the others. */
const struct xml_node *xml_list_first(const struct xml_node *list);
const struct xml_node *xml_list_next(const struct xml_node *item);
/* Number of <member>/<item> children. */
size_t xml_list_count(const struct xml_node *list);

#endif
