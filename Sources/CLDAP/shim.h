#ifndef HIREBIND_CLDAP_SHIM_H
#define HIREBIND_CLDAP_SHIM_H

// The system's OpenLDAP client library (libldap-dev): only the non-deprecated API.
#include <lber.h>
#include <ldap.h>

#endif
