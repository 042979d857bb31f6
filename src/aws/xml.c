#include "config.h"

#include "aws/xml.h"
#include "util/secret.h"

#include <expat.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void
xml_limits_default(struct xml_limits *l)
{
	l->max_bytes = XML_DEFAULT_MAX_BYTES;
	l->max_depth = XML_DEFAULT_MAX_DEPTH;
	l->max_nodes = XML_DEFAULT_MAX_NODES;
}

struct xml_builder {
	XML_Parser parser;
	const struct xml_limits *lim;
	struct xml_doc *doc;
	struct xml_node *cur;
	unsigned depth;
	struct buf text;	/* character data of the current element */
	char why[160];		/* set when we stopped the parser ourselves */
};

static void
xml_node_free(struct xml_node *n)
{
	/* Iterative so a deep (if bounded) tree cannot exhaust the stack. */
	while (n != NULL) {
		struct xml_node *next;

		if (n->first_child != NULL) {
			struct xml_node *c = n->first_child;

			n->first_child = c->next;
			c->next = NULL;
			c->parent = n;
			n = c;
			continue;
		}
		next = n->parent;
		if (next != NULL && next->first_child == NULL)
			next->last_child = NULL;
		free(n->name);
		/* STS and credential answers carry secret keys and tokens in
		 * element text: wipe every text, whoever parsed it. */
		if (n->text != NULL)
			secret_wipe(n->text, n->text_len);
		free(n->text);
		free(n);
		n = next;
	}
}

void
xml_free(struct xml_doc *doc)
{
	if (doc == NULL)
		return;
	xml_node_free(doc->root);
	free(doc);
}

static void
xml_stop(struct xml_builder *b, const char *why)
{
	if (b->why[0] == '\0')
		snprintf(b->why, sizeof(b->why), "%s", why);
	XML_StopParser(b->parser, XML_FALSE);
}

static void XMLCALL
xml_on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_builder *b = ud;
	struct xml_node *n;
	const char *colon;

	(void)attrs;
	if (b->why[0] != '\0')
		return;
	if (b->depth >= b->lim->max_depth) {
		xml_stop(b, "document nested too deeply");
		return;
	}
	if (b->doc->nodes >= b->lim->max_nodes) {
		xml_stop(b, "too many elements");
		return;
	}
	if (b->cur == NULL && b->doc->root != NULL) {
		xml_stop(b, "more than one root element");
		return;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL) {
		xml_stop(b, "out of memory");
		return;
	}
	colon = strrchr(name, ':');
	n->name = strdup(colon != NULL ? colon + 1 : name);
	if (n->name == NULL) {
		free(n);
		xml_stop(b, "out of memory");
		return;
	}
	n->parent = b->cur;
	if (b->cur == NULL) {
		b->doc->root = n;
	} else {
		if (b->cur->last_child != NULL)
			b->cur->last_child->next = n;
		else
			b->cur->first_child = n;
		b->cur->last_child = n;
	}
	b->doc->nodes++;
	b->depth++;
	b->cur = n;
	buf_reset(&b->text);
}

static int
xml_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void XMLCALL
xml_on_end(void *ud, const XML_Char *name)
{
	struct xml_builder *b = ud;
	struct xml_node *n = b->cur;
	const char *s;
	size_t len;

	(void)name;
	if (b->why[0] != '\0' || n == NULL)
		return;
	if (n->first_child == NULL) {
		s = buf_cstr(&b->text);
		len = b->text.len;
		while (len > 0 && xml_is_space(*s)) {
			s++;
			len--;
		}
		while (len > 0 && xml_is_space(s[len - 1]))
			len--;
	} else {
		s = "";
		len = 0;
	}
	n->text = malloc(len + 1);
	if (n->text == NULL) {
		xml_stop(b, "out of memory");
		return;
	}
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	n->text_len = len;
	buf_reset(&b->text);
	b->cur = n->parent;
	b->depth--;
}

static void XMLCALL
xml_on_text(void *ud, const XML_Char *s, int len)
{
	struct xml_builder *b = ud;

	if (b->why[0] != '\0' || b->cur == NULL || len <= 0)
		return;
	/* Text of an element that already has children is layout; skip it. */
	if (b->cur->first_child != NULL)
		return;
	if (buf_append(&b->text, s, (size_t)len) != 0)
		xml_stop(b, "element text too large or out of memory");
}

static void XMLCALL
xml_on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	xml_stop(ud, "DOCTYPE declarations are not accepted");
}

static void XMLCALL
xml_on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
    int value_length, const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
    const XML_Char *notation)
{
	(void)name; (void)is_param; (void)value; (void)value_length;
	(void)base; (void)sysid; (void)pubid; (void)notation;
	xml_stop(ud, "entity declarations are not accepted");
}

int
xml_parse(const char *data, size_t len, const struct xml_limits *lim, struct xml_doc **out,
    struct err *e)
{
	struct xml_limits deflim;
	struct xml_builder b;
	int rc = -1;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if (lim == NULL) {
		xml_limits_default(&deflim);
		lim = &deflim;
	}
	if (len > lim->max_bytes) {
		err_set(e, "XML document of %zu bytes exceeds the limit of %zu bytes", len, lim->max_bytes);
		return -1;
	}
	if (len > (size_t)INT32_MAX) {
		err_set(e, "XML document too large");
		return -1;
	}
	b.lim = lim;
	buf_init(&b.text, lim->max_bytes);
	b.doc = calloc(1, sizeof(*b.doc));
	b.parser = XML_ParserCreate("UTF-8");
	if (b.doc == NULL || b.parser == NULL) {
		err_set(e, "out of memory creating the XML parser");
		goto out;
	}
	XML_SetUserData(b.parser, &b);
	XML_SetElementHandler(b.parser, xml_on_start, xml_on_end);
	XML_SetCharacterDataHandler(b.parser, xml_on_text);
	XML_SetStartDoctypeDeclHandler(b.parser, xml_on_doctype);
	XML_SetEntityDeclHandler(b.parser, xml_on_entity_decl);
	/* External entities are never resolved: no handler means expat refuses them. */
	XML_SetParamEntityParsing(b.parser, XML_PARAM_ENTITY_PARSING_NEVER);
	if (XML_Parse(b.parser, data, (int)len, XML_TRUE) != XML_STATUS_OK) {
		if (b.why[0] != '\0')
			err_set(e, "XML rejected at line %lu, column %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(b.parser),
			    (unsigned long)XML_GetCurrentColumnNumber(b.parser), b.why);
		else
			err_set(e, "malformed XML at line %lu, column %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(b.parser),
			    (unsigned long)XML_GetCurrentColumnNumber(b.parser),
			    XML_ErrorString(XML_GetErrorCode(b.parser)));
		goto out;
	}
	if (b.doc->root == NULL || b.cur != NULL) {
		err_set(e, "malformed XML: no complete root element");
		goto out;
	}
	*out = b.doc;
	b.doc = NULL;
	rc = 0;
out:
	if (b.parser != NULL)
		XML_ParserFree(b.parser);
	xml_free(b.doc);
	buf_free(&b.text);
	return rc;
}

const struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;

	if (n == NULL)
		return NULL;
	for (c = n->first_child; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const struct xml_node *
xml_path(const struct xml_node *n, const char *path)
{
	char part[128];
	const char *p = path, *slash;
	size_t len;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, p, len);
		part[len] = '\0';
		n = xml_child(n, part);
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

const char *
xml_path_text(const struct xml_node *n, const char *path)
{
	n = xml_path(n, path);
	return n != NULL ? n->text : NULL;
}

const struct xml_node *
xml_next_same(const struct xml_node *n)
{
	const struct xml_node *c;

	if (n == NULL)
		return NULL;
	for (c = n->next; c != NULL; c = c->next)
		if (strcmp(c->name, n->name) == 0)
			return c;
	return NULL;
}

static bool
xml_is_list_item(const struct xml_node *n)
{
	return strcmp(n->name, "member") == 0 || strcmp(n->name, "item") == 0;
}

const struct xml_node *
xml_list_first(const struct xml_node *list)
{
	const struct xml_node *c;

	if (list == NULL)
		return NULL;
	for (c = list->first_child; c != NULL; c = c->next)
		if (xml_is_list_item(c))
			return c;
	return NULL;
}

const struct xml_node *
xml_list_next(const struct xml_node *item)
{
	const struct xml_node *c;

	if (item == NULL)
		return NULL;
	for (c = item->next; c != NULL; c = c->next)
		if (xml_is_list_item(c))
			return c;
	return NULL;
}

size_t
xml_list_count(const struct xml_node *list)
{
	const struct xml_node *c;
	size_t n = 0;

	for (c = xml_list_first(list); c != NULL; c = xml_list_next(c))
		n++;
	return n;
}
