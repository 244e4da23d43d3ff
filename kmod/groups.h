/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter groups, once, in the order GET_INFO lists them:
 * NKS_GROUP(name) for the struct nks_group nks_group_<name> that
 * kmod/<name>.c defines. Included by group.h and group.c, each with its
 * own NKS_GROUP; no include guard, on purpose. A group's objects go in
 * Kbuild too.
 */
NKS_GROUP(neigh)
NKS_GROUP(ports)
NKS_GROUP(tcp)
