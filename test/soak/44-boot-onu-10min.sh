#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 44-boot-before-onu with the access network back after 10 minutes (both
# the dead-carrier and the silent-NGN phase): make soak-boot.
# uml-timeout: 1700
export ONU_DELAY=${ONU_DELAY:-600}
# shellcheck source=../scenarios/44-boot-before-onu.sh
source "$TOP/test/scenarios/44-boot-before-onu.sh"
