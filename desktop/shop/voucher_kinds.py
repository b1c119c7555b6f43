"""The kinds of voucher and how each is titled on its slip. A module of its own so the command
line can offer them without loading the database layer (start-up time)."""

KINDS = {
    "thank_you": "Thank you",
    "welcome_back": "Welcome back",
    "goodwill": "With our apologies",
    "reward": "Loyalty reward",
}
