/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETLINK_H
#define _NKS_NETLINK_H

int nks_genl_init(void);
void nks_genl_exit(void);

#endif /* _NKS_NETLINK_H */
