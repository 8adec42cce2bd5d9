//! The word lists behind the prompt filter, one `|`-separated string each (compact in the wasm), grouped by the
//! categories of OpenAI's moderation taxonomy plus real people and real tragedies. A term is a space-separated
//! phrase; a trailing `*` on a word matches any ending, `_` any one word. Every term is matched on the normalised
//! words (text.rs), so no list spells a disguise the normaliser undoes. Battle, blood, undead and horror words are deliberately absent:
//! violence is judged by what frames it (a photograph, a real place, a method, a person who is real).

// ---- sexual ----

/// Explicit sexual content and its acts: blocked at every strictness.
pub const EXPLICIT: &str = concat!(
    "porn*|xxx|hentai|nsfw|sex|sexual*|having sex|intercourse|genital*|penis*|vagina*|vulva*|clitor*|orgasm*|",
    "masturbat*|ejaculat*|erection*|blowjob*|blow job*|handjob*|fellatio|cunnilingus|bdsm|erotic*|nipple*|",
    "areola*|nude|nudes|nudity|nudist*|topless|bottomless|undressed|unclothed|lewd*|r34|rule 34|onlyfans|",
    "striptease|stripper*|strip tease|ahegao|milf*|futanari|futa|pussy|cum|cumming|cumshot*|creampie*|",
    "bukkake|gangbang*|gang bang|threesome|deepthroat*|anal sex|oral sex|performing oral|doggy style|",
    "doggystyle|making love|make love|lovemaking|in the act|mating with|uncensored|upskirt|downblouse|",
    "voyeur*|hidden camera|creepshot*|camel toe|cameltoe|nip slip|titty|titties|boner|horny|aroused|ecchi|",
    "oppai|paizuri|doujin*|yiff*|macrophilia|microphilia|rape*|raping|molest*|bestiality|zoophil*|incest*|",
    "orgy|orgies|fuck*|jerking off|explicit content|getting laid|get laid|nood|noods|noodz|nudez|pron"
);

/// Exposure said another way: a euphemism, a garment coming off, a body part on show.
pub const EXPOSURE: &str = concat!(
    "birthday suit|au naturel|in the altogether|in the buff|buck naked|stark naked|full frontal|frontal nudity|",
    "frontal view|wearing nothing|nothing on|not a stitch|without a stitch|not a single thread|",
    "not wearing anything|not wearing _ single thread|not wearing a stitch|",
    "without clothes|without clothing|no clothes|no clothing|clothing optional|everything on show|",
    "everything visible|everything out|nothing left to the imagination|naked body|spread legs|spread* _ legs|",
    "spread* _ thighs|spread* legs|spread* thighs|pants down|wardrobe malfunction"
);
pub const GARMENT: &str =
    "clothes|clothing|dress|robe|robes|gown|top|skirt|pants|trousers|underwear|panties|bra|bikini|towel";
pub const COMES_OFF: &str =
    "off|removed|fallen|fell|lifted|pulled down|slipped|slipping|dropped|torn off|missing|hiked up";
pub const BODY_PART: &str = concat!(
    "breast*|boob*|tits|nipple*|her chest|bare bottom|her bottom|butt|buttocks|crotch|groin|privates|",
    "private parts"
);
pub const ON_SHOW: &str =
    "bare|exposed|showing|visible|out|on show|flashing|revealed|revealing|uncovered|naked|fully";
/// Fetish and kink, with or without nudity: every strictness. "fetish" alone is also a shaman's carved object.
pub const FETISH: &str = concat!(
    "kink|kinks|kinky|bondage|shibari|ball gag*|ballgag*|gimp suit|dominatrix|femdom|findom|foot worship|",
    "feet worship|sole licking|lick* _ feet|lick* _ soles|lick* _ _ soles|lick* _ _ feet|tickle torture|",
    "lactat*|hucow|abdl|diaper fetish|inflation fetish"
);
pub const FETISH_WORD: &str = "fetish|fetishes|fetishism|fetishized|fetishised";
pub const FETISH_OBJECT_BEFORE: &str =
    "bone|bones|spirit|wooden|carved|shaman|shamans|totem|voodoo|feather|feathered|clay|tribal|animal";
pub const BED: &str =
    "in bed|on the bed|on a bed|on his bed|on her bed|bedroom|silk sheets|four poster";
pub const BED_ACT: &str =
    "straddling|grinding|thrusting|riding _ man|riding _ woman|riding him|riding her";

/// "naked" is sexual except in the fantasy phrases where it means bare or plain.
pub const NAKED: &str = "naked";
pub const NAKED_IS_FINE_BEFORE: &str = concat!(
    "blade|blades|sword|swords|steel|flame|flames|fire|eye|eyes|truth|fear|ambition|aggression|greed|hatred|",
    "rage|light|skull|skulls|bone|bones|branch|branches|tree|trees|rock|rocks|stone|earth|wall|walls|wire|",
    "dagger|daggers|axe|edge|fury|hostility|terror|malice"
);

/// Suggestive but not explicit: blocked when strict, and always together with a minor.
pub const SUGGESTIVE: &str = concat!(
    "sexy|seduc*|sensual*|lingerie|bikini*|underwear|panties|bra|cleavage|busty|voluptuous|skimpy|scantily|",
    "revealing outfit*|revealing armor|revealing armour|revealing clothes|revealing clothing|provocative*|",
    "thong*|wet t shirt|wet shirt|pin up|pinup|boudoir|suggestive*|lustful|lust|boobs|tits|big breasts|",
    "huge breasts|large breasts|breasts|thick thighs|bedroom eyes|kissing|making out|in bed together|",
    "swimsuit*|stripping|undressing|see through|sheer dress|latex|fishnet*|negligee|nightie|nightgown|",
    "short skirt|miniskirt|body paint|covered only by"
);

// ---- minors ----

/// Words that make someone a minor. Alone they are fine ("a kobold child", "baby dragon"); with anything sexual
/// or suggestive they block at every strictness.
pub const MINOR: &str = concat!(
    "child|children|kid|kids|toddler*|infant*|preteen*|pre teen|teen|teens|teenage*|tween*|underage|",
    "under age|schoolgirl*|schoolboy*|school girl|school boy|little girl*|little boy*|young girl*|young boy*|",
    "small girl|small boy|little sister|little brother|minors|juvenile|pubescent|prepubescent|jailbait|",
    "baby face*|childlike|child like|kindergart*|first grader|grade schooler|middle school*|",
    "elementary school*|young looking|flat chested|child bride"
);
/// What sexualises a minor beyond the sexual and suggestive lists.
pub const MINOR_SEXUALISING: &str = "wedding night|in bed with|child bride|posing for him";
/// Terms that are sexualised depictions of minors by definition.
pub const MINOR_SEXUAL: &str = "loli|lolis|lolicon|shota|shotas|shotacon|cub porn";

// ---- real people ----

/// Deepfakes and likeness taken from a photograph: every strictness.
pub const LIKENESS_ABUSE: &str = concat!(
    "deepfake*|deep fake*|face swap*|faceswap*|swap* _ face|swap* _ _ face|face onto|",
    "photoshopped|photoshop _ face|fake photo*|fake image*|fake picture*|fake video*|fake news|doctored photo*|",
    "this photo|uploaded photo|her photo|his photo|photo of a real person|real person|real people|",
    "convincing fake"
);
/// A private person, named by their relation to whoever asks: every strictness.
pub const PRIVATE_PERSON: &str = concat!(
    "my ex|my exes|my wife|my husband|my girlfriend|my boyfriend|my gf|my bf|my crush|my sister*|my brother*|",
    "my step*|my mom|my mum|my mother|my dad|my father|my aunt|my uncle|my cousin*|my niece|my nephew|",
    "my daughter|my son|my grandma|my grandpa|my neighbo*|my boss|my manager|my coworker*|my co worker*|",
    "my colleague*|my classmate*|my teacher*|my professor|my tutor|my roommate*|my flatmate*|my landlord|",
    "my landlady|my student*|my babysitter|my coach|my pastor|my therapist|my doctor|in my class|",
    "in my school|at my school|from my school|from school|from class|from work|at my work|my office"
);
/// Asking for a real, famous person: blocked when strict; otherwise blocked with anything abusive.
pub const CELEBRITY: &str = concat!(
    "celebrity|celebrities|famous actor|famous actress|famous singer|politician*|the actress|the rapper|",
    "the president|president of the united states|prime minister|the senator|congressman|congresswoman|",
    "the chancellor|the pope|youtuber|streamer|influencer|tiktoker|",
    "taylor swift|donald trump|joe biden|biden|barack obama|obama|kamala harris|elon musk|",
    "vladimir putin|putin|volodymyr zelensky|zelensky*|xi jinping|kim jong un|emmanuel macron|macron|",
    "king charles|queen elizabeth|pope francis|emma watson|scarlett johansson|jennifer lawrence|",
    "billie eilish|ariana grande|beyonce|rihanna|kim kardashian|keanu reeves|tom cruise|brad pitt|",
    "angelina jolie|margot robbie|zendaya|selena gomez|greta thunberg|mark zuckerberg|jeff bezos|",
    "bill gates|oprah|lebron james|cristiano ronaldo|lionel messi|matt mercer|matthew mercer|vin diesel|",
    "henry cavill|pedro pascal|narendra modi|benjamin netanyahu|netanyahu|recep erdogan|erdogan|",
    "princess diana"
);
/// What makes a real person's likeness abusive: sexual, humiliating or violent framing.
pub const ABUSIVE_FRAMING: &str = concat!(
    "humiliat*|degrad*|mugshot|arrested|in handcuffs|in prison|beaten|beating|killed|killing|dead|corpse|",
    "murdered|execut*|beheaded|decapitat*|hanged|lynch*|shot|bloody|blood|tortur*|crying|drunk|vomit*|",
    "diaper*|pooping|kneeling before|punched|surrender*|bribe*|naked|in bed|kissing"
);
/// Capitalised words that begin a fantasy name or place rather than a person's.
pub const TITLES: &str = concat!(
    "lord|lady|king|queen|prince|princess|sir|dame|saint|mount|lake|castle|nine|the|a|an|of|in|on|and|with|",
    "sea|river|city|tower|temple|house|clan|order|god|goddess|father|mother|brother|sister|captain|general|",
    "high|grand|black|white|red|old|new|north|south|east|west|great|dark|first|last"
);

// ---- violence ----

/// Gore as a fetish or snuff: blocked at every strictness. Ordinary gore words are not here.
pub const GORE_FETISH: &str = concat!(
    "guro|ryona|gore porn|torture porn|gore fetish|blood fetish|snuff|snuff film*|necrophil*|vore|",
    "sexualized violence|sexualised violence|sexual violence|sexy corpse*|erotic gore|cannibal porn|",
    "mutilation fetish|amputee fetish"
);
/// Gore nouns that are fine in a horror scene but not rendered as a close-up, photographic spectacle.
pub const GORE: &str = concat!(
    "gore|gory|viscera|entrails|intestines|guts|disembowel*|eviscerat*|mutilat*|dismember*|flayed|skinned|",
    "exposed organs|brain matter|brains|spilling organs|innards|torn bodies|head exploding|exploding head"
);
/// What turns those into gore for its own sake. `strong` ones count even at standard strictness.
pub const GORE_INTENSIFIERS_STRONG: &str = concat!(
    "extreme|extremely|hyperrealistic|hyper realistic|photorealistic|photo realistic|photoreal|real photo|",
    "photograph"
);
pub const GORE_INTENSIFIERS: &str =
    "graphic|explicit|close up|closeup|realistic|detailed|lots of|maximum|grotesque|lifelike";
/// Violence of today's world, not a fantasy table's: every strictness.
pub const REAL_VIOLENCE: &str = concat!(
    "school shoot*|mass shoot*|active shooter|shooting spree|suicide bomb*|car bomb*|pipe bomb*|terrorist*|",
    "terror attack*|cartel|isis|isil|daesh|al qaeda|jihadi*|police brutality|domestic violence|wife beat*|",
    "animal cruelty|airstrike*|air strike*|drone strike*|missile strike*|into a crowd|drive by shooting|",
    "mass murder*|hate crime*|honor killing*|acid attack*"
);
/// Making weapons, asked as instructions: every strictness.
pub const WEAPON: &str = concat!(
    "make _ bomb|making _ bomb|build* _ bomb|build* _ _ bomb|make bombs|making bombs|pipe bomb*|ied|ieds|",
    "explosive vest*|suicide vest*|molotov*|napalm|nerve agent|sarin|ricin|anthrax|poison gas|ghost gun*|",
    "silencer|thermite|detonator*|fertili* bomb*|pressure cooker bomb*"
);
pub const INSTRUCTIONS: &str = concat!(
    "how to|how many|how much|step by step|best way|easiest way|quickest way|best place|guide to|",
    "tutorial|instructions|recipe for|diagram of|so nobody notices|so no one notices|without anyone noticing|",
    "nobody will notice"
);
/// A camera's framing: the picture claims to show the real world.
pub const REAL_FRAMING: &str = concat!(
    "photo|photos|photograph|photographs|photographic|footage|video|videos|cctv|bodycam|body cam|dashcam|",
    "livestream*|documentary|crime scene|autopsy|real|actual|leaked|irl|snapshot|polaroid|selfie"
);
/// Violence done, as a photograph would show it.
pub const VIOLENT_ACT: &str = concat!(
    "shot|shooting|gunshot*|beaten|beating|stabb*|strangl*|tortur*|behead*|decapitat*|explod*|blown up|",
    "murder*|killed|killing|lynch*|execut*|hanged|burned alive|skinned|dismember*|mutilat*|gore|gory|guts|",
    "bleeding|bruised"
);
/// The dead and the hurt of a real event.
pub const CASUALTIES: &str = concat!(
    "victim*|bodies|dead body|the dead|dead man|dead men|dead woman|dead women|dead child*|dead people|",
    "dead soldiers|corpse*|massacre*|genocide|bombing|casualties|jumping from|burned alive|drowned"
);
/// Named real tragedies: every strictness, with or without a camera.
pub const REAL_TRAGEDY: &str = concat!(
    "9 11|911 attack*|nine eleven|twin towers|world trade center|columbine|sandy hook|uvalde|parkland|",
    "bataclan|christchurch mosque*|christchurch shoot*|utoya|srebrenica|rwandan genocide|tutsi*|holocaust|",
    "auschwitz|treblinka|dachau|bergen belsen|buchenwald|concentration camp*|death camp*|my lai|",
    "nanking massacre|nanjing massacre|boston marathon|oklahoma city bomb*|manchester arena|pulse nightclub|",
    "las vegas shoot*|el paso shoot*|tiananmen|bucha|october 7|jonestown|beslan|abu ghraib|george floyd|",
    "hiroshima|nagasaki|jfk assassination|zapruder"
);

// ---- hate ----

/// Hate symbols, movements, slogans and slurs: blocked at every strictness.
pub const HATE: &str = concat!(
    "swastika*|nazi*|neo nazi*|neonazi*|third reich|ss bolts|ss officer*|ss uniform*|heil hitler|sieg heil|",
    "hitler|kkk|ku klux klan|klansm*|klan robe*|klan rally|white power|white pride|white supremac*|race war|",
    "racial holy war|rahowa|great replacement|blood and soil|1488|14 88|totenkopf|confederate flag|",
    "burning cross|cross burning|hate symbol*|antisemit*|ethnic cleansing|holocaust denial|aryan nation*|",
    "aryan brotherhood|black sun symbol|sonnenrad|wolfsangel|nigger*|nigga*|kike|kikes|faggot*|tranny|",
    "trannies|wetback*|raghead*|towelhead*|sandnigger*|gook*"
);
/// Real groups, for "group as vermin" style dehumanisation.
pub const PROTECTED_GROUPS: &str = concat!(
    "jew|jews|jewish|muslim*|islam*|christians|catholics|black people|black men|black women|black man|",
    "black woman|black person|blacks|asians|asian people|chinese people|mexicans|latinos|hispanics|arabs|",
    "gays|gay people|gay men|lesbians|trans people|transgender*|immigrants|migrants|refugees|roma|gypsies|",
    "africans|hindus|sikhs|women|disabled people|the disabled|indians|native americans"
);
/// Hateful whatever the grammar.
pub const DEHUMANISING: &str = concat!(
    "vermin|subhuman*|sub human|exterminat*|gassed|genocide|should die|deserve to die|deserve it|",
    "burning in ovens|burning in hell|caricature*|stereotyp*|hook nosed|puppet master*|puppeteer*|",
    "controlling the world|run the world|deport*"
);
/// Hateful as a metaphor: "X as rats", "X are a disease".
pub const COMPARED: &str = "as|are|is|like|drawn as|shown as|depicted as";
pub const DEHUMANISING_METAPHOR: &str = concat!(
    "rats|cockroaches|roaches|apes|monkeys|animals|parasites|inferior|disease|plague|locusts|invaders|",
    "infestation|filth|terrorists|criminals|rapists|freaks|abominations|insects|pigs|dogs"
);

// ---- self-harm ----

/// Self-harm, its intent and its instructions: blocked at every strictness.
pub const SELF_HARM: &str = concat!(
    "self harm*|selfharm*|self inflicted|suicidal|unalive*|kms|kys|sewerslide|sewer slide|slit wrist*|",
    "slitting wrist*|suicide note|goodbye note|farewell note|pro ana|pro mia|thinspo*|thinspiration|",
    "bonespo|meanspo|skip meals|skipping meals|goal body|thigh gap|end it all|",
    "end* my life|end* his life|end* her life|end* their life|end* your life|take _ own life|",
    "taking _ own life|want to die|wanna die|not to wake up|overdos*|gun to _ own head|gun in _ mouth|",
    "pistol to _ own head"
);
/// "suicide" except as a fantasy army's tactic.
pub const SUICIDE: &str = "suicid*";
pub const SUICIDE_IS_FINE_BEFORE: &str =
    "mission|missions|charge|charges|run|squad|attack|assault|raid|dive|stand|march|bomber|bombers|bombing";
pub const ONESELF: &str = concat!(
    "myself|yourself|herself|himself|themselves|themself|oneself|own arm*|own wrist*|own throat|own skin|",
    "own body|own flesh|own head|own life|own leg*|own thigh*"
);
pub const HARM: &str = concat!(
    "cut|cuts|cutting|slash*|slit*|hang|hangs|hanging|hanged|stab|stabs|stabbing|burn|burns|burning|shoot|",
    "shoots|shooting|kill|kills|killing|starv*|poison*|drown|drowns|drowning|harm*|hurt*|strangl*|",
    "suffocat*|choke*|choking|bleed*|razor*|pills|noose|jump|jumping|dying|die"
);
/// A method of self-harm, and the private places and bodies it happens in.
pub const METHOD: &str =
    "noose|hanged|pills|razor|razors|razorblade*|overdose|gun to|bleed out|slit";
pub const PRIVATE_PLACE: &str = concat!(
    "bedroom|bathroom|bathtub|bath|closet|garage|dorm|apartment|ceiling fan|his room|her room|their room|",
    "my room|in the shower"
);
pub const CUT: &str = "cut|cuts|cutting|slit|slitting|slash*|carv*|razor|razors|razorblade*";
pub const CUT_PLACE: &str = "wrist|wrists|forearm*|thigh|thighs|vein|veins";
pub const HOW_TO_DIE: &str =
    "noose|overdos*|pills|wrist*|slit*|bleed out|starv*|purg*|suffocat*|die|cut|cutting|cut deep*";
/// Insults and mockery that target a person.
pub const INSULT: &str = concat!(
    "whore|slut|loser|skank|bitch|retard*|fatso|ugly|fat pig|pig|cow|mock*|humiliat*|make fun|making fun|",
    "ridicul*|bully*|shaming|shame|kill yourself|kill herself|kill himself"
);
pub const SHARE: &str = concat!(
    "to post|post it|post online|to share|share it|send it|to send|group chat|online|social media|",
    "her friends|his friends|instagram|tiktok|facebook|twitter|snapchat|with the class"
);
