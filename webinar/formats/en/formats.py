# Day, month, year, as international organizations write dates: "9 September 2021".
DATE_FORMAT = "j F Y"
