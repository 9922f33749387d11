//! Built-in words readers use that run books often do not: words that ask
//! about one phase, and families of everyday words that mean the same.
//!
//! Both go into every edition's index (phase words as blocks of the phase's
//! name, families as synonym groups beside the glossary's), so the browser
//! engine needs no copy of them. The words came from how client staff and
//! analysts describe incidents (the query set in `tests/search-queries.json`
//! was written first; these are families, not answers to single queries).

/// Words that ask about one phase, in phase order: "how do we get ready",
/// "how do we stop it spreading", "how do we get back to normal".
pub(crate) const PHASE_WORDS: [&str; 6] = [
    "prepare preparing ready readiness before beforehand plan planning practise practice drill",
    "check checking confirm confirming sure real genuine signs spot notice detect investigate serious bad",
    "stop stopping spread spreading contain isolate disconnect unplug block limit worse",
    "remove removing clean cleaning rid eradicate wipe fix kick out",
    "restore restoring recover recovering back normal return running rebuild resume reopen",
    "learn learned learnt lessons review afterwards after improve better next time again prevent",
];

/// Families of everyday words that mean the same to a reader. A query word
/// that is a one-word member also finds text with any other member (every
/// word of it), at half weight, as glossary synonyms do.
pub(crate) const SYNONYMS: &[&[&str]] = &[
    // Losing things.
    &[
        "lost",
        "lose",
        "missing",
        "misplaced",
        "mislaid",
        "left",
        "forgot",
        "stolen",
        "nicked",
        "pinched",
    ],
    // Devices readers carry.
    &[
        "phone",
        "mobile",
        "smartphone",
        "iphone",
        "android",
        "ipad",
        "tablet",
        "device",
    ],
    &[
        "laptop",
        "notebook",
        "macbook",
        "computer",
        "pc",
        "desktop",
        "workstation",
    ],
    // Damage to a website.
    &[
        "defaced",
        "deface",
        "vandalised",
        "vandalized",
        "vandalism",
        "graffiti",
        "rude",
        "offensive",
        "obscene",
        "hacked website",
    ],
    &[
        "website", "site", "homepage", "webpage", "webshop", "shop", "web",
    ],
    &[
        "redirects",
        "redirect",
        "redirected",
        "sends people elsewhere",
    ],
    // Money demands and payment.
    &[
        "ransom",
        "extortion",
        "extort",
        "blackmail",
        "bitcoin",
        "demand",
    ],
    &[
        "payment",
        "pay",
        "paid",
        "paying",
        "transfer",
        "transferred",
        "wire",
        "money",
        "bacs",
    ],
    &[
        "fraud",
        "scam",
        "scammer",
        "scammed",
        "fraudster",
        "con",
        "swindle",
        "fake",
        "bogus",
    ],
    &[
        "bank details",
        "bank account",
        "account number",
        "sort code",
        "iban",
    ],
    &["gift cards", "vouchers", "gift vouchers", "urgent payment"],
    // Staff who leave or are angry.
    &[
        "leaver",
        "fired",
        "sacked",
        "dismissed",
        "resigned",
        "resigning",
        "quit",
        "quitting",
        "left the company",
    ],
    &[
        "unhappy",
        "disgruntled",
        "angry",
        "upset",
        "rogue",
        "revenge",
        "grudge",
    ],
    &[
        "employee",
        "staff",
        "colleague",
        "coworker",
        "worker",
        "contractor",
        "insider",
    ],
    &[
        "copied",
        "copy",
        "downloaded",
        "download",
        "took",
        "taken",
        "steal",
        "stealing",
        "exfiltrated",
    ],
    // Slowness and crashes.
    &[
        "slow",
        "sluggish",
        "laggy",
        "lag",
        "crash",
        "crashing",
        "crashed",
        "down",
        "offline",
        "unavailable",
        "timeout",
        "timing out",
        "not loading",
        "flooded",
        "overloaded",
        "overload",
        "overwhelmed",
        "swamped",
    ],
    &[
        "traffic", "visits", "visitors", "requests", "flood", "bots", "bot", "botnet",
    ],
    // Being locked out.
    &[
        "locked out",
        "lockout",
        "blocked",
        "cannot sign in",
        "cannot log in",
    ],
    &[
        "login", "logon", "signin", "sign-in", "log in", "sign in", "logins",
    ],
    // Strange and suspicious.
    &[
        "suspicious",
        "weird",
        "odd",
        "strange",
        "unusual",
        "dodgy",
        "dubious",
        "fishy",
    ],
    // Mail.
    &["email", "e-mail", "mail", "mailbox", "inbox", "outlook"],
    // Ransomware by the names readers have heard in the news.
    &[
        "ransomware",
        "cryptolocker",
        "wannacry",
        "lockbit",
        "ryuk",
        "ransom note",
    ],
    // Files that arrive by mail, by what readers see of them.
    &[
        "attachment",
        "attached",
        "pdf",
        "exe",
        "zip",
        "docm",
        "xlsm",
        "macro",
        "macros",
    ],
    // Files scrambled.
    &[
        "encrypted",
        "scrambled",
        "locked files",
        "extensions",
        "unreadable",
    ],
    // Data getting out.
    &[
        "leaked",
        "leak",
        "exposed",
        "disclosed",
        "published",
        "posted online",
        "breach",
    ],
    &[
        "data",
        "information",
        "info",
        "records",
        "details",
        "database",
        "spreadsheet",
    ],
    &[
        "personal",
        "private",
        "sensitive",
        "confidential",
        "patient",
    ],
    // Suppliers.
    &[
        "supplier",
        "vendor",
        "provider",
        "msp",
        "third party",
        "partner",
        "it company",
    ],
    // Taken over.
    &[
        "hacked",
        "compromised",
        "breached",
        "hijacked",
        "taken over",
    ],
    // Harmful software.
    &[
        "virus",
        "malware",
        "trojan",
        "infected",
        "infection",
        "popups",
        "pop-ups",
    ],
    // Removing things.
    &[
        "deleted",
        "deleting",
        "delete",
        "wiped",
        "erased",
        "destroyed",
    ],
];
