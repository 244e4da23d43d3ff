// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns state. Counter groups count events per netns here: hot paths
 * reach the counters through net_generic() and bump a per-CPU value
 * without a lock; readers sum over the possible CPUs.
 */
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "group.h"
#include "netns.h"

struct nks_netns {
	u64 __percpu *pcpu;	/* nks_netns_n counters */
};

static unsigned int nks_netns_id __read_mostly;
static unsigned int nks_netns_n __ro_after_init;

static int __net_init nks_netns_net_init(struct net *net)
{
	struct nks_netns *nn = net_generic(net, nks_netns_id);

	nn->pcpu = __alloc_percpu(nks_netns_n * sizeof(u64), __alignof__(u64));
	return nn->pcpu ? 0 : -ENOMEM;
}

static void __net_exit nks_netns_net_exit(struct net *net)
{
	struct nks_netns *nn = net_generic(net, nks_netns_id);

	free_percpu(nn->pcpu);
	nn->pcpu = NULL;
}

static struct pernet_operations nks_netns_ops = {
	.init = nks_netns_net_init,
	.exit = nks_netns_net_exit,
	.id = &nks_netns_id,
	.size = sizeof(struct nks_netns),
};

/*
 * A netns whose last reference is gone is being dismantled: its pernet
 * exits, this module's first, run after an RCU grace period that begins
 * once check_net() is false (cleanup_net()). A check_net() that passes
 * inside an RCU read-side section therefore keeps nn->pcpu alive to the
 * section's end; a dying netns counts nothing more.
 */
void nks_netns_inc(struct net *net, unsigned int c)
{
	struct nks_netns *nn;

	rcu_read_lock();
	if (check_net(net)) {
		nn = net_generic(net, nks_netns_id);
		this_cpu_inc(nn->pcpu[c]);
	}
	rcu_read_unlock();
}

u64 nks_netns_read(struct net *net, unsigned int c)
{
	struct nks_netns *nn;
	u64 sum = 0;
	int cpu;

	rcu_read_lock();
	nn = net_generic(net, nks_netns_id);
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(nn->pcpu, cpu)[c]);
	rcu_read_unlock();
	return sum;
}

int nks_netns_init(void)
{
	nks_netns_n = nks_groups_netns_layout(NKS_NETNS_FAMILY_COUNTERS);
	return register_pernet_subsys(&nks_netns_ops);
}

void nks_netns_exit(void)
{
	unregister_pernet_subsys(&nks_netns_ops);
}
