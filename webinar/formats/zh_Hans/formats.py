# Django's own zh_Hans date format, stated here so the site does not depend on it changing:
# "2021年9月9日".
DATE_FORMAT = "Y年n月j日"
