#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 12: the front-end scenario set (test/lib/frontend-set.sh) under
# ifupdown-ng, swapped in from Debian's .deb: the README stanza in ng's
# spelling (transix-tunnel-*), our executor /usr/libexec/ifupdown-ng/transix
# chosen automatically by our option names.
# uml-timeout: 400
FRONTEND=ifupdown-ng
source "$TOP/test/lib/frontend-set.sh"
