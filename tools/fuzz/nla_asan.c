// SPDX-License-Identifier: GPL-2.0
/*
 * libnl is not built with AddressSanitizer, so a read past the end of an
 * attribute that happens inside libnl goes unseen. libnl 3.7's accessors
 * that read a payload without checking its length (lib/attr.c) are copied
 * here, same code, and linked into the harnesses in place of libnl's: the
 * tool's calls to them then read under ASan. (nla_get_u64 checks the
 * length and copies with memcpy(), which ASan intercepts; nla_get_string
 * only returns a pointer, which the tool then reads itself.)
 */
#include <netlink/attr.h>

uint8_t nla_get_u8(const struct nlattr *nla)
{
	return *(const uint8_t *)nla_data(nla);
}

uint16_t nla_get_u16(const struct nlattr *nla)
{
	return *(const uint16_t *)nla_data(nla);
}

uint32_t nla_get_u32(const struct nlattr *nla)
{
	return *(const uint32_t *)nla_data(nla);
}
