// SPDX-License-Identifier: GPL-2.0
/*
 * A streaming JSON writer: enough for nkstat's output, with correct
 * string escaping and optional indentation.
 */
#include <inttypes.h>
#include <string.h>

#include "nkstat.h"

void nks_json_init(struct nks_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
	j->after_key = false;
}

static void nks_json_newline(struct nks_json *j)
{
	if (j->pretty)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
}

/* Every value starts here: a comma after a sibling, then indentation. */
static void nks_json_begin(struct nks_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth)
		nks_json_newline(j);
}

static void nks_json_quoted(struct nks_json *j, const char *s)
{
	const unsigned char *p;
	size_t plain;

	fputc('"', j->f);
	/* the common case, nothing to escape: one write */
	plain = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
			   "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
			   "\x1b\x1c\x1d\x1e\x1f\x7f");
	fwrite(s, 1, plain, j->f);
	for (p = (const unsigned char *)s + plain; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", j->f);
			break;
		case '\\':
			fputs("\\\\", j->f);
			break;
		case '\n':
			fputs("\\n", j->f);
			break;
		case '\t':
			fputs("\\t", j->f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(j->f, "\\u%04x", *p);
			else
				fputc(*p, j->f);
		}
	}
	fputc('"', j->f);
}

void nks_json_key(struct nks_json *j, const char *key)
{
	nks_json_begin(j);
	nks_json_quoted(j, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void nks_json_open(struct nks_json *j, char bracket)
{
	nks_json_begin(j);
	fputc(bracket, j->f);
	j->depth++;
	j->need_comma = false;
}

void nks_json_close(struct nks_json *j, char bracket)
{
	j->depth--;
	if (j->need_comma)
		nks_json_newline(j);
	fputc(bracket, j->f);
	j->need_comma = true;
}

void nks_json_string(struct nks_json *j, const char *s)
{
	nks_json_begin(j);
	nks_json_quoted(j, s);
	j->need_comma = true;
}

/* @v in decimal, without printf: dumps print many numbers */
static void nks_json_put_u64(FILE *f, uint64_t v)
{
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	fwrite(buf + i, 1, sizeof(buf) - i, f);
}

void nks_json_u64(struct nks_json *j, uint64_t v)
{
	nks_json_begin(j);
	nks_json_put_u64(j->f, v);
	j->need_comma = true;
}

void nks_json_null(struct nks_json *j)
{
	nks_json_begin(j);
	fputs("null", j->f);
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
	nks_json_begin(j);
	if (present)
		fprintf(j->f, "%" PRId64, v);
	else
		fputs("null", j->f);
	j->need_comma = true;
}

void nks_json_kfixed1(struct nks_json *j, const char *key, bool present,
		      double v)
{
	nks_json_key(j, key);
	nks_json_begin(j);
	if (present)
		fprintf(j->f, "%.1f", v);
	else
		fputs("null", j->f);
	j->need_comma = true;
}

void nks_json_kbool(struct nks_json *j, const char *key, bool v)
{
	nks_json_key(j, key);
	nks_json_begin(j);
	fputs(v ? "true" : "false", j->f);
	j->need_comma = true;
}

void nks_json_end(struct nks_json *j)
{
	fputc('\n', j->f);
}
