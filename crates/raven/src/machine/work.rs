//! Events from the request the raven started: chunks become whole sentences for the live region, the end of an
//! answer lights the dot when nobody is looking at the Ask view.

use super::{IndexState, News, Raven, Work};
use crate::effects::{Effect, Ignored};
use crate::events::ErrorKind;
use crate::keys;
use crate::views::ViewId;

impl Raven {
    /// The id an answer event must carry to be about the current request.
    fn current(&self, id: u32) -> Result<(), Ignored> {
        match self.work.running() {
            None => Err(Ignored::NoWork),
            Some(current) if current != id => Err(Ignored::StaleWork { id }),
            Some(_) => Ok(()),
        }
    }

    fn watching_ask(&self) -> bool {
        self.visible() && self.panel == Some(ViewId::Ask)
    }

    /// A request that ended badly out of sight badges the Ask tab; an unread answer from before stays the news.
    fn note_problem(&mut self) {
        if !self.watching_ask() && self.ask_news.is_none() {
            self.ask_news = Some(News::Problem);
        }
    }

    pub(super) fn chunk(
        &mut self,
        id: u32,
        text: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.current(id)?;
        self.work = Work::Streaming { id };
        let sentences = self.sentences.push(text);
        // Nobody hears the answer of a closed panel sentence by sentence; the dot and one announcement follow.
        if self.watching_ask() {
            effects.extend(
                sentences
                    .into_iter()
                    .map(|text| Effect::AnnounceSentence { text }),
            );
        }
        Ok(())
    }

    pub(super) fn done(&mut self, id: u32, effects: &mut Vec<Effect>) -> Result<(), Ignored> {
        self.current(id)?;
        self.work = Work::Done;
        let last = self.sentences.finish();
        if self.watching_ask() {
            effects.extend(last.map(|text| Effect::AnnounceSentence { text }));
        } else {
            self.ask_news = Some(News::Answer);
            effects.push(Effect::AnnounceKey {
                key: keys::WORK_ANSWER_READY,
            });
        }
        Ok(())
    }

    pub(super) fn failed(
        &mut self,
        id: u32,
        kind: ErrorKind,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.current(id)?;
        self.work = Work::Failed { kind };
        self.sentences.clear();
        self.note_problem();
        effects.push(Effect::AnnounceKey { key: kind.key() });
        Ok(())
    }

    /// Players' requests go through the GM's client: without a GM the request in flight cannot finish.
    pub(super) fn gm_offline(&mut self, effects: &mut Vec<Effect>) -> Result<(), Ignored> {
        if self.permissions.is_gm {
            return Err(Ignored::NotForGm);
        }
        if self.offline {
            return Err(Ignored::AlreadyInState);
        }
        self.offline = true;
        if let Some(id) = self.work.running() {
            effects.push(Effect::CancelWork { id });
            self.work = Work::Offline;
            self.sentences.clear();
            self.note_problem();
        }
        effects.push(Effect::AnnounceKey {
            key: keys::WORK_OFFLINE,
        });
        Ok(())
    }

    pub(super) fn gm_online(&mut self, effects: &mut Vec<Effect>) -> Result<(), Ignored> {
        if self.permissions.is_gm {
            return Err(Ignored::NotForGm);
        }
        if !self.offline {
            return Err(Ignored::AlreadyInState);
        }
        self.offline = false;
        if self.work == Work::Offline {
            self.work = Work::Idle;
        }
        effects.push(Effect::AnnounceKey {
            key: keys::WORK_ONLINE,
        });
        Ok(())
    }

    pub(super) fn set_index(&mut self, index: IndexState) -> Result<(), Ignored> {
        if self.index == index {
            return Err(Ignored::AlreadyInState);
        }
        self.index = index;
        Ok(())
    }
}
