//! Rules chat: provider wire formats, retries and grounded prompts (sans-IO). Built by a later issue.
