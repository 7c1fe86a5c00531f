"""Default content: the preparation checklist, the question bank, the agenda template.

The question bank and the agenda template are loaded once by a data migration and are
then administrators' to edit; the preparation checklist is copied into every new meeting.
"""

DEFAULT_PREP_ITEMS: tuple[str, ...] = (
    "Tell the staff we are serious about being customer-focused.",
    "Say that negative feedback is as valuable as positive feedback.",
    "Promise that the information will be used fairly — nobody is blamed for what a customer says.",
    "Agree who answers which topic, so guests are not passed from person to person.",
    "Explain the Chatham House Rule: what is said may be used, never who said it.",
    "Ask presenters to keep updates short and to leave room for the guests.",
    "Choose and order the questions to ask the guests.",
    "Send the agenda and objectives to everyone attending.",
)

# Practice 8: questions worth asking the guests.
DEFAULT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How customer-focused are we?", "An open start; listen for examples, not scores."),
    ("What has worked for you, and what has not?", "Ask for both; negative answers are as useful."),
    (
        "Is there any work we do for you that could be simplified or eliminated?",
        "Often reveals effort that adds no value for them.",
    ),
    ("What “dream” product or service would you like from us?", "Invites ideas, not complaints."),
    (
        "How do you focus on your own customers, and how could we support that?",
        "Turns the conversation to their customers' success.",
    ),
)

# The customer-first agenda (practice 6): section, title, minutes. Every page and mail
# shows an item's section beside its title, so titles do not repeat it.
DEFAULT_AGENDA: tuple[tuple[str, str, int], ...] = (
    ("customer", "Voice of the customer: survey results and our guests' narratives", 45),
    ("employees", "Engagement and challenges", 20),
    ("operations", "How we deliver", 20),
    ("marketing", "Programmes and targeted customers", 15),
    ("sales", "Targeted customers, and what other customers told us", 15),
    ("finance", "The normal financial results", 15),
    ("other", "Any other business", 10),
)


def load_defaults(*, Question, AgendaTemplate, AgendaTemplateItem) -> None:  # noqa: N803
    """Create the default question bank and agenda template where they are missing.

    Takes the model classes so that the data migration can pass its historical models."""
    for position, (text, help_text) in enumerate(DEFAULT_QUESTIONS):
        Question.objects.get_or_create(
            text=text, defaults={"help": help_text, "position": position}
        )
    template, created = AgendaTemplate.objects.get_or_create(
        name="Customer-first leadership meeting",
        defaults={
            "is_default": not AgendaTemplate.objects.filter(is_default=True).exists(),
            "description": "Customer → Employees → Operational processes → Marketing → "
            "Sales → Finance → Other.",
        },
    )
    if created:
        for position, (section, title, minutes) in enumerate(DEFAULT_AGENDA):
            AgendaTemplateItem.objects.create(
                template=template, section=section, title=title, minutes=minutes, position=position
            )
