// SPDX-License-Identifier: GPL-2.0
/*
 * A streaming JSON writer: enough for nkstat's output, with correct
 * string escaping and optional indentation. It writes through a buffer
 * of its own, flushed by nks_json_end(): a dump of thousands of rows
 * costs a few writes, not a stdio call per token.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "nkstat.h"

void nks_json_init(struct nks_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
	j->after_key = false;
	j->len = 0;
}

static void nks_json_flush(struct nks_json *j)
{
	fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void nks_json_write(struct nks_json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		nks_json_flush(j);
		if (n > sizeof(j->buf)) {
			fwrite(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void nks_json_putc(struct nks_json *j, char c)
{
	if (j->len == sizeof(j->buf))
		nks_json_flush(j);
	j->buf[j->len++] = c;
}

static void nks_json_puts(struct nks_json *j, const char *s)
{
	nks_json_write(j, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void nks_json_printf(struct nks_json *j, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		nks_json_write(j, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void nks_json_newline(struct nks_json *j)
{
	if (j->pretty)
		nks_json_printf(j, "\n%*s", 2 * j->depth, "");
}

/* Every value starts here: a comma after a sibling, then indentation. */
static void nks_json_begin(struct nks_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma)
		nks_json_putc(j, ',');
	if (j->depth)
		nks_json_newline(j);
}

static void nks_json_quoted(struct nks_json *j, const char *s)
{
	const unsigned char *p;
	size_t plain;

	nks_json_putc(j, '"');
	/* the common case, nothing to escape: one write */
	for (plain = 0; s[plain]; plain++) {
		unsigned char c = s[plain];

		if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
			break;
	}
	nks_json_write(j, s, plain);
	for (p = (const unsigned char *)s + plain; *p; p++) {
		switch (*p) {
		case '"':
			nks_json_puts(j, "\\\"");
			break;
		case '\\':
			nks_json_puts(j, "\\\\");
			break;
		case '\n':
			nks_json_puts(j, "\\n");
			break;
		case '\t':
			nks_json_puts(j, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				nks_json_printf(j, "\\u%04x", *p);
			else
				nks_json_putc(j, *p);
		}
	}
	nks_json_putc(j, '"');
}

void nks_json_key(struct nks_json *j, const char *key)
{
	nks_json_begin(j);
	nks_json_quoted(j, key);
	nks_json_puts(j, j->pretty ? ": " : ":");
	j->after_key = true;
}

void nks_json_open(struct nks_json *j, char bracket)
{
	nks_json_begin(j);
	nks_json_putc(j, bracket);
	j->depth++;
	j->need_comma = false;
}

void nks_json_close(struct nks_json *j, char bracket)
{
	j->depth--;
	if (j->need_comma)
		nks_json_newline(j);
	nks_json_putc(j, bracket);
	j->need_comma = true;
}

void nks_json_string(struct nks_json *j, const char *s)
{
	nks_json_begin(j);
	nks_json_quoted(j, s);
	j->need_comma = true;
}

/* @v in decimal, without printf: dumps print many numbers */
static void nks_json_put_u64(struct nks_json *j, uint64_t v)
{
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	nks_json_write(j, buf + i, sizeof(buf) - i);
}

void nks_json_u64(struct nks_json *j, uint64_t v)
{
	nks_json_begin(j);
	nks_json_put_u64(j, v);
	j->need_comma = true;
}

void nks_json_null(struct nks_json *j)
{
	nks_json_begin(j);
	nks_json_puts(j, "null");
	j->need_comma = true;
}

void nks_json_kstr(struct nks_json *j, const char *key, const char *s)
{
	nks_json_key(j, key);
	if (s)
		nks_json_string(j, s);
	else
		nks_json_null(j);
}

void nks_json_ku64(struct nks_json *j, const char *key, bool present,
		   uint64_t v)
{
	nks_json_key(j, key);
	if (present)
		nks_json_u64(j, v);
	else
		nks_json_null(j);
}

void nks_json_ki64(struct nks_json *j, const char *key, bool present,
		   int64_t v)
{
	nks_json_key(j, key);
	if (!present) {
		nks_json_null(j);
		return;
	}
	nks_json_begin(j);
	if (v < 0)
		nks_json_putc(j, '-');
	nks_json_put_u64(j, v < 0 ? -(uint64_t)v : (uint64_t)v);
	j->need_comma = true;
}

void nks_json_kfixed1(struct nks_json *j, const char *key, bool present,
		      double v)
{
	nks_json_key(j, key);
	if (!present) {
		nks_json_null(j);
		return;
	}
	nks_json_begin(j);
	nks_json_printf(j, "%.1f", v);
	j->need_comma = true;
}

void nks_json_kbool(struct nks_json *j, const char *key, bool v)
{
	nks_json_key(j, key);
	nks_json_begin(j);
	nks_json_puts(j, v ? "true" : "false");
	j->need_comma = true;
}

void nks_json_list_begin(struct nks_json *j, FILE *f, bool pretty,
			 const char *key)
{
	nks_json_init(j, f, pretty);
	nks_json_open(j, '{');
	nks_json_key(j, key);
	nks_json_open(j, '[');
}

void nks_json_list_end(struct nks_json *j)
{
	nks_json_close(j, ']');
	nks_json_close(j, '}');
	nks_json_end(j);
}

void nks_json_end(struct nks_json *j)
{
	nks_json_putc(j, '\n');
	nks_json_flush(j);
}
