{
    "name": "DSO Collection - Sales",
    "summary": "Credit used of DSO Collection counts the confirmed sale orders "
    "not invoiced yet",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "dso_collection developers",
    "website": "https://github.com/dso-collection/dso_collection",
    "category": "Accounting/Accounting",
    "depends": ["dso_collection", "sale"],
    "auto_install": True,
}
