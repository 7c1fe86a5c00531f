"""The phrase book the dashboard data generator draws its feedback from: per subject, its
agenda section, journey stage and a few things customers say, plus the fillers and the
made-up company names (bench/dashboard_data.py)."""

# subject: (section, stage, [(kind, sentiment, text)])
PHRASES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "invoices": (
        "finance",
        "Everyday use",
        [
            (
                "concern",
                "negative",
                "Invoices arrive with the wrong purchase order number and our finance team sends them back every month",
            ),
            (
                "concern",
                "negative",
                "Billing errors on the monthly invoice take weeks to correct and the credit notes never match",
            ),
            (
                "idea",
                "neutral",
                "One consolidated invoice per quarter with the purchase order number would save our accounts payable team days",
            ),
            (
                "concern",
                "negative",
                "We receive three separate invoices for one order; the duplicate invoices could be eliminated",
            ),
        ],
    ),
    "advocate": (
        "customer",
        "Support",
        [
            (
                "expectation",
                "negative",
                "Don't shovel me from person to person: give me one advocate who stays with me until the problem is solved",
            ),
            (
                "concern",
                "negative",
                "Every support call starts from scratch with a new person and we explain the whole history again",
            ),
            (
                "expectation",
                "neutral",
                "We expect a single named contact who owns our case from the first call to the fix",
            ),
            (
                "idea",
                "positive",
                "My dream would be a single advocate who knows our account and calls us back before we chase",
            ),
        ],
    ),
    "portal": (
        "operations",
        "Everyday use",
        [
            (
                "concern",
                "negative",
                "The ordering portal logs us out constantly and the password reset emails arrive hours later",
            ),
            (
                "concern",
                "negative",
                "We re-enter the same delivery address in the portal for every order; that step could be simplified",
            ),
            (
                "idea",
                "positive",
                "A portal dashboard showing open orders, invoices and tickets in one place would be ideal",
            ),
            (
                "praise",
                "positive",
                "The new portal search finds spare parts much faster than the old catalogue",
            ),
        ],
    ),
    "delivery": (
        "operations",
        "Everyday use",
        [
            (
                "concern",
                "negative",
                "Deliveries arrive late without warning and our warehouse team waits for trucks that never come",
            ),
            (
                "concern",
                "negative",
                "Partial deliveries are split across too many shipments and the tracking numbers do not work",
            ),
            (
                "praise",
                "positive",
                "Delivery on the last three orders was on time and the driver called ahead, thank you",
            ),
            (
                "idea",
                "neutral",
                "Send a delivery window by text message the day before so the warehouse can plan",
            ),
        ],
    ),
    "onboarding": (
        "customer",
        "Onboarding",
        [
            (
                "concern",
                "negative",
                "Onboarding took four months because the setup forms asked for the same information three times",
            ),
            (
                "praise",
                "positive",
                "The onboarding project manager was excellent and the training sessions were well prepared",
            ),
            (
                "idea",
                "positive",
                "An onboarding checklist shared with us from day one would make the setup much smoother",
            ),
            (
                "concern",
                "negative",
                "Too many forms during onboarding; the paperwork could be cut to a single online form",
            ),
        ],
    ),
    "pricing": (
        "sales",
        "Renewal",
        [
            (
                "concern",
                "negative",
                "The price increase at renewal came without notice and the contract terms are hard to compare",
            ),
            (
                "question",
                "neutral",
                "Why do volume discounts reset every year when our order volume keeps growing",
            ),
            (
                "concern",
                "negative",
                "Quotes take two weeks to arrive and the sales team cannot explain the pricing model",
            ),
            (
                "idea",
                "neutral",
                "Publish a clear price list with volume tiers so renewal negotiations are faster",
            ),
        ],
    ),
    "account_team": (
        "sales",
        "Buying",
        [
            (
                "praise",
                "positive",
                "Our account manager visits regularly and really understands our business priorities",
            ),
            (
                "concern",
                "negative",
                "We have had four account managers in two years and each one asks the same discovery questions",
            ),
            (
                "praise",
                "positive",
                "The account team responded quickly when our plant had an outage, that saved us",
            ),
        ],
    ),
    "reporting": (
        "customer",
        "Everyday use",
        [
            (
                "idea",
                "positive",
                "We would love a monthly usage report with trends so we can show value to our board",
            ),
            (
                "concern",
                "negative",
                "The usage reports are spreadsheets emailed by hand and the numbers do not match the invoices",
            ),
            (
                "idea",
                "positive",
                "Dream product: live reporting on service levels that we can share with our own customers",
            ),
        ],
    ),
    "staff": (
        "employees",
        "Support",
        [
            (
                "praise",
                "positive",
                "Your field engineers are knowledgeable, friendly and always leave the site clean",
            ),
            (
                "concern",
                "negative",
                "Front-line staff seem overworked and cannot answer basic questions without escalating",
            ),
            (
                "praise",
                "positive",
                "The service desk staff are patient and explain technical issues in plain language",
            ),
        ],
    ),
    "marketing": (
        "marketing",
        "Buying",
        [
            (
                "concern",
                "negative",
                "We receive too many marketing emails and newsletters that are not relevant to our industry",
            ),
            (
                "idea",
                "neutral",
                "Invite customers to shape the product roadmap instead of sending more webinars",
            ),
            (
                "praise",
                "positive",
                "The customer case studies helped us convince our management to expand the contract",
            ),
        ],
    ),
}
FILLERS = ["", "", "", " again this quarter", " at our main site", " for our regional teams",
           " since the last meeting", " — this matters a lot to us", " in the last few months"]  # fmt: skip
COMPANY_WORDS = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Adatum", "Litware", "Proseware",
                 "Wingtip", "Lucerne", "Margie", "Alpine", "Coho", "Fourth Coffee", "Humongous",
                 "Wide World", "Trey", "Blue Yonder", "Relecloud", "Woodgrove", "Datum"]  # fmt: skip
COMPANY_SUFFIX = ["Logistics", "Foods", "Energy", "Pharma", "Retail", "Motors", "Health", "Bank",
                  "Telecom", "Airlines", "Chemicals", "Textiles", "Media", "Insurance", "Foundry"]  # fmt: skip
