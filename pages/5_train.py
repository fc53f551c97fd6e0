"""(being built)"""

from ui import common

lang = common.page("nav.train")
