/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_WALK_H
#define _NKS_WALK_H

#include <linux/types.h>

struct sock;

/*
 * Walks of kernel tables hold a bucket lock with bottom halves off over
 * a bounded number of entries at a time (NKS_WALK_BUDGET), then drop it,
 * reschedule and resume at an entry they keep a reference on.
 */
#define NKS_WALK_BUDGET 256
/* Restarts of one hash bucket whose walk lost its place. */
#define NKS_WALK_TRIES 3

/*
 * One locked section of a walk of one hash bucket: from *@pin (taken
 * over: the caller drops that reference) or the bucket's start. Returns
 * 1 when it paused with a new *@pin held, 0 when the bucket is done or
 * the walk stopped, -EAGAIN when *@pin had left the bucket.
 */
typedef int (*nks_walk_hold_fn)(void *walk);

/*
 * Walks one hash bucket with @hold until it is done. @walk's *@pin must
 * be NULL. When the walk loses its place, @reset(@arg) forgets what it
 * had gathered and the bucket is walked again, NKS_WALK_TRIES times at
 * most. Returns false if the last try lost its place too: what @arg
 * holds is then part of the bucket. Sleeps.
 */
bool nks_walk_bucket(nks_walk_hold_fn hold, void *walk, struct sock **pin,
		     void (*reset)(void *arg), void *arg);

#endif /* _NKS_WALK_H */
