/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the nkstat version is set. The Makefile, dkms.conf check
 * and the tool read it from here.
 */
#ifndef _NKS_VERSION_H
#define _NKS_VERSION_H

#define NKSTAT_VERSION "0.1.0"

#endif /* _NKS_VERSION_H */
