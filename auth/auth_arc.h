/* auth_arc.h: ARC (RFC 8617) verification of an incoming chain. */
#ifndef AUTH_ARC_H
#define AUTH_ARC_H

enum auth_arc_result { AUTH_ARC_NONE = 0, AUTH_ARC_PASS, AUTH_ARC_FAIL };

#endif
