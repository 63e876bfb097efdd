#!/bin/bash
# 44-boot-before-onu under ifupdown2.
# uml-timeout: 440
export USE_IFUPDOWN2=1
# shellcheck source=44-boot-before-onu.sh
source "$TOP/test/scenarios/44-boot-before-onu.sh"
