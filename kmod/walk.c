// SPDX-License-Identifier: GPL-2.0
/* Bounded, resumable walks of a hash bucket: see walk.h. */
#include <linux/errno.h>
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>

#include "walk.h"

bool nks_walk_bucket(nks_walk_hold_fn hold, void *walk, struct sock **pin,
		     void (*reset)(void *arg), void *arg)
{
	struct sock *held;
	int tries = 0, ret;

	for (;;) {
		held = *pin;
		ret = hold(walk);
		/* after the lock is dropped: the last put may free */
		if (held)
			sock_gen_put(held);
		if (ret != 1 && ret != -EAGAIN)
			return true;
		cond_resched();
		if (ret == -EAGAIN) {
			if (++tries == NKS_WALK_TRIES)
				return false;
			reset(arg);
		}
	}
}
