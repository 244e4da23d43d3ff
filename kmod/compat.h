/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel versions differ. Force-included into every
 * object by Kbuild, which also runs the NKS_HAVE_* feature probes. The
 * rest of nkstat is written for one kernel and never tests versions.
 */
#ifndef _NKS_COMPAT_H
#define _NKS_COMPAT_H

/*
 * Nothing differs yet between the supported kernels (6.1 to 6.12) for
 * the code nkstat has. Kbuild refuses older kernels before compiling.
 */

#endif /* _NKS_COMPAT_H */
