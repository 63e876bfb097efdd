#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 45-boot-before-onu-ifupdown2 with the access network back after 10 minutes.
# uml-timeout: 1700
export ONU_DELAY=${ONU_DELAY:-600} USE_IFUPDOWN2=1
# shellcheck source=../scenarios/44-boot-before-onu.sh
source "$TOP/test/scenarios/44-boot-before-onu.sh"
