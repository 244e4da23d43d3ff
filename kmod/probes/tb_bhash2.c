// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (Kbuild): a bind bucket lists its bhash2 buckets, which
 * hold the owners (6.12, not 6.1).
 */
#include <net/inet_hashtables.h>

struct hlist_head *nks_probe(struct inet_bind_bucket *tb);
struct hlist_head *nks_probe(struct inet_bind_bucket *tb)
{
	return &tb->bhash2;
}
