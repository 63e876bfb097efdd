#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 12: the front-end scenario set (test/lib/frontend-set.sh: late RA,
# up, ifup again, prefix change, down, bad input) under classic ifupdown.
# uml-timeout: 400
FRONTEND=ifupdown
source "$TOP/test/lib/frontend-set.sh"
