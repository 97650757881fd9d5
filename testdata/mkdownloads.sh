#!/bin/bash
# mkdownloads.sh OUTDIR: the data-download archives a victim or parent
# hands in, for snapchat-export, instagram-export, messenger-export,
# tiktok-export and discord-export (tests/cli/t-artifacts-downloads.sh),
# written by python3 in the layouts the platforms document and the public
# parsers read (RLEAPP snapChathistory.py, tikTokArchiveJson.py;
# DiscordChatExporter's JsonMessageWriter.cs; Meta's message_N.json as
# chat-miner and Chatistics read it):
#
#   snapchat/        "My Data", newer layout: json/chat_history.json (a
#                    1:1 chat with text, media by three Media IDs: one file
#                    of the message's date, one of the day before, one
#                    missing; a system message; a "Created" 5 s off its
#                    milliseconds; a group with a title; an empty
#                    conversation), json/snap_history.json, friends.json,
#                    account.json, chat_media/, and html/ (ignored: there
#                    is JSON)
#   snapchat-old.zip older layout (Received/Sent Saved Chat History, Snap
#                    History lists), zipped
#   snapchat-html/   only html/chat_history.html (tables)
#   instagram/       your_instagram_activity/messages: inbox thread in
#                    message_1.json + message_2.json (newest first), photo
#                    and video by uri, share, unsent, reactions; a message
#                    request from Zoë (mojibake in name, title, text); an
#                    empty thread; personal_information.json
#   instagram-html/  older top-level layout, message_1.html, the owner in
#                    personal_information/personal_information.json
#   messenger/       your_facebook_activity/messages: a call, audio, gif
#                    (missing), sticker; archived_threads; profile and
#                    autofill information; also messenger.zip and
#                    messenger-truncated.zip (its first 60 %)
#   meta-unknown/    messages/inbox/... with nothing saying whose export
#   tiktok/          user_data_tiktok.json (profile, followers, following,
#                    blocked, two chats, one empty)
#   tiktok-txt/      Direct Messages/Direct Messages.txt
#   discord/         data package: Messages/ (a DM and a server channel,
#                    one Timestamp that disagrees with its ID), index.json,
#                    Account/user.json (friend, blocked); messages/<id>/
#                    messages.csv of an older package (a quoted field with
#                    a newline and quotes)
#   dce/             DiscordChatExporter JSON with a downloaded attachment
#   bad/             damaged and unknown: a cut chat_history.json, one of
#                    another shape, one nested 100,000 deep, a message_2
#                    without message_1, a message file without messages, a
#                    TikTok file without sections, a DCE file without
#                    messages, a CSV cut inside quotes, a 40 MiB message
#
# Personas are fictional (Sanne Jansen, the owner; Daan de Vries; Lotte
# and Zoë Bakker); numbers are fiction ranges, IPs from 192.0.2.0/24.
set -eu
out=${1:?usage: mkdownloads.sh OUTDIR}
command -v python3 > /dev/null || { echo "mkdownloads: python3 missing" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
OUT=$out python3 - <<'PY'
import datetime, json, os, zipfile

out = os.environ["OUT"]

def write(rel, data):
    p = os.path.join(out, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def wjson(rel, obj, ascii=False):
    write(rel, json.dumps(obj, indent=2, ensure_ascii=ascii) + "\n")

def utc(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)

def ms(s, extra=0):
    return int(utc(s).timestamp()) * 1000 + extra

def moji(s):
    """Meta's way: the UTF-8 bytes as code points below 256."""
    return s.encode("utf-8").decode("latin-1")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 16
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
OGG = b"OggS\x00\x02" + b"\x00" * 26

def zipdir(src, dst, cut=None):
    names = []
    for root, dirs, files in os.walk(os.path.join(out, src)):
        dirs.sort()
        for f in sorted(files):
            names.append(os.path.join(root, f))
    with zipfile.ZipFile(os.path.join(out, dst), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for n in names:
            zi = zipfile.ZipInfo(os.path.relpath(n, os.path.join(out, src)),
                                 (2024, 6, 1, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            with open(n, "rb") as f:
                z.writestr(zi, f.read())

# ---- Snapchat, newer layout ----
def snapmsg(frm, mt, created, content, title, sender, extra=0, saved=True,
            ids=""):
    return {"From": frm, "Media Type": mt, "Created": created + " UTC",
            "Content": content, "Conversation Title": title,
            "IsSender": sender, "Created(microseconds)": ms(created, extra),
            "IsSaved": saved, "Media IDs": ids}

ID1, ID2, ID3 = ("b~EiQSFTM0SEdmSTFNRzBDdkhlelFQ", "b~EioSFWVueWoyb2lJbndHcEZi",
                 "b~EioSFXdjaGVFRzNyQ2xpWFF0d1VR")
chat = {
    "daan_v": [
        snapmsg("daan_v", "TEXT", "2024-03-14 20:07:41",
                "Hoi Sanne, ben je alleen?", None, False, 250),
        snapmsg("sanne_j", "TEXT", "2024-03-14 20:08:20", "Ja, hoezo?",
                None, True, 500, saved=False),
        snapmsg("daan_v", "MEDIA", "2024-03-14 20:09:15", "", None, False,
                0, ids=ID1 + " | " + ID2 + " | " + ID3),
        snapmsg("daan_v", "STATUSERASEDMESSAGE", "2024-03-14 20:10:00", "",
                None, False),
        snapmsg("sanne_j", "TEXT", "2024-03-14 20:11:00",
                "Caf\u00e9 \U0001F600 \"niet doen\"", None, True, 5000),
    ],
    "0f3c5a2e-5d7b-4c1e-9a00-00000000beef": [
        snapmsg("lotte_b", "TEXT", "2024-03-15 08:00:00",
                "Training om 10 uur", "Voetbal ouders", False),
        snapmsg("daan_v", "STICKER", "2024-03-15 08:01:00", "",
                "Voetbal ouders", False),
    ],
    "leeg_account": [],
}
wjson("snapchat/json/chat_history.json", chat)
wjson("snapchat/json/snap_history.json", {
    "daan_v": [
        {"From": "daan_v", "Media Type": "IMAGE",
         "Created": "2024-03-14 19:00:00 UTC", "Conversation Title": None,
         "IsSender": False, "Created(microseconds)": ms("2024-03-14 19:00:00")},
        {"From": "sanne_j", "Media Type": "VIDEO",
         "Created": "2024-03-14 19:05:00 UTC", "Conversation Title": None,
         "IsSender": True, "Created(microseconds)": ms("2024-03-14 19:05:00")},
    ]})
wjson("snapchat/json/friends.json", {
    "Friends": [{"Username": "daan_v", "Display Name": "Daan de Vries",
                 "Creation Timestamp": "2024-01-02 10:00:00 UTC",
                 "Last Modified Timestamp": "2024-03-01 09:00:00 UTC",
                 "Source": "Added by Search"},
                {"Username": "lotte_b", "Display Name": "Lotte Bakker",
                 "Creation Timestamp": "2023-05-06 07:08:09 UTC",
                 "Last Modified Timestamp": "2023-05-06 07:08:09 UTC",
                 "Source": "Added by Quick Add"}],
    "Blocked Users": [{"Username": "creep_99", "Display Name": "Onbekend",
                       "Creation Timestamp": "2024-02-02 22:22:22 UTC",
                       "Last Modified Timestamp": "2024-03-16 10:00:00 UTC",
                       "Source": "Added by Username"}],
    "Deleted Friends": [],
})
wjson("snapchat/json/account.json", {
    "Basic Information": {"Username": "sanne_j", "Name": "Sanne Jansen",
                          "Creation Date": "2021-05-01 12:00:00 UTC",
                          "Registration IP": "192.0.2.10", "Country": "NL"},
    "Device Information": {"Make": "Example", "Model ID": "X1"},
})
write("snapchat/chat_media/2024-03-14_" + ID1 + ".jpg", JPEG)
write("snapchat/chat_media/2024-03-13_" + ID2 + ".mp4", MP4)
write("snapchat/chat_media/2024-03-14_overlay~zip-31FBA148-B00D-4E1D-A802-25249ADDF1A8.png", PNG)
write("snapchat/html/chat_history.html",
      "<html><body><h4>Received Saved Chat History</h4><table><tr><td>daan_v"
      "</td><td>TEXT</td><td>2024-03-14 20:07:41 UTC</td></tr><tr><td>dubbel"
      "</td></tr></table></body></html>\n")

# ---- Snapchat, older layout, zipped ----
wjson("snapchat-old-src/json/chat_history.json", {
    "Received Saved Chat History": [
        {"From": "daan_v", "Media Type": "TEXT",
         "Created": "2019-07-22 19:28:21 UTC", "Text": "Hoi, alles goed?"},
        {"From": "lotte_b", "Media Type": "MEDIA",
         "Created": "2019-07-23 08:00:00 UTC", "Text": ""},
    ],
    "Sent Saved Chat History": [
        {"To": "daan_v", "Media Type": "TEXT",
         "Created": "2019-07-22 19:30:00 UTC", "Text": "Ja hoor &amp; jij?"},
    ],
})
wjson("snapchat-old-src/json/snap_history.json", {
    "Received Snap History": [{"From": "daan_v", "Media Type": "IMAGE",
                               "Created": "2019-07-21 18:00:00 UTC"}],
    "Sent Snap History": [{"To": "lotte_b", "Media Type": "VIDEO",
                           "Created": "2019-07-21 18:30:00 UTC"}],
})
wjson("snapchat-old-src/json/account.json", {
    "Basic Information": {"Username": "sanne_j", "Name": "Sanne Jansen",
                          "Creation Date": "2018-01-01 00:00:00 UTC"}})
zipdir("snapchat-old-src", "snapchat-old.zip")

# ---- Snapchat, HTML only ----
write("snapchat-html/html/chat_history.html", """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Chat History</title></head><body>
<h4>Received Saved Chat History</h4>
<table>
<tr><th>From</th><th>Media Type</th><th>Created</th></tr>
<tr><td>daan_v</td><td>TEXT</td><td>2022-07-22 19:28:21 UTC</td></tr>
<tr><td colspan="3">Hoi &amp; doei<br>tweede regel</td></tr>
<tr><td>lotte_b</td><td>MEDIA</td><td>2022-07-23 08:00:00 UTC</td></tr>
<tr><td colspan="3"></td></tr>
</table>
<h4>Sent Saved Chat History</h4>
<table>
<tr><th>To</th><th>Media Type</th><th>Created</th></tr>
<tr><td>daan_v</td><td>TEXT</td><td>2022-07-22 19:30:05 UTC</td></tr>
<tr><td colspan="3">Zo&euml;? \u00e9\u00e9n \U0001F600</td></tr>
</table>
</body></html>
""")

# ---- Instagram, newer layout ----
IG = "instagram/your_instagram_activity/messages/"
DAAN = IG + "inbox/daandevries_17841400000000001/"
me_ig, daan = "Sanne Jansen", "Daan de Vries"
def igm(sender, t, **kw):
    m = {"sender_name": moji(sender), "timestamp_ms": ms(t)}
    for k, v in kw.items():
        m[k] = moji(v) if isinstance(v, str) else v
    return m
# newest first: message_1 has the newest, message_2 the older ones
thread_head = {"participants": [{"name": moji(daan)}, {"name": moji(me_ig)}],
               "title": moji(daan), "is_still_participant": True,
               "thread_path": "inbox/daandevries_17841400000000001",
               "magic_words": []}
m1 = dict(thread_head)
m1["messages"] = [
    igm(daan, "2024-03-14 20:20:00", content="Niet aan je ouders vertellen \U0001F92B",
        reactions=[{"reaction": moji("\u2764\ufe0f"), "actor": moji(me_ig)}]),
    igm(me_ig, "2024-03-14 20:15:00", content="Kijk", share={
        "link": "https://www.instagram.com/p/EXAMPLE/",
        "share_text": moji("Caf\u00e9 Z\u00fcrich")}),
    igm(daan, "2024-03-14 20:12:00", is_unsent=True),
]
m2 = dict(thread_head)
m2["messages"] = [
    igm(daan, "2024-03-14 20:10:00", videos=[{"uri": DAAN[len("instagram/"):] + "videos/1001.mp4", "creation_timestamp": 1710447000}]),
    igm(daan, "2024-03-14 20:09:15", photos=[{"uri": DAAN[len("instagram/"):] + "photos/1000.jpg", "creation_timestamp": 1710446955}]),
    igm(daan, "2024-03-14 20:07:41", content="Hoi Sanne! Ken je me nog?"),
]
# the keys in Meta's order: participants, messages, then the rest
def ordered(d):
    o = {"participants": d["participants"], "messages": d["messages"]}
    o.update({k: v for k, v in d.items() if k not in o})
    return o
wjson(DAAN + "message_1.json", ordered(m1), ascii=True)
wjson(DAAN + "message_2.json", ordered(m2), ascii=True)
write(DAAN + "photos/1000.jpg", JPEG)
write(DAAN + "videos/1001.mp4", MP4)
zoe = "Zo\u00eb Bakker"
wjson(IG + "message_requests/zoebakker_17841400000000002/message_1.json",
      ordered({"participants": [{"name": moji(zoe)}, {"name": moji(me_ig)}],
               "messages": [igm(zoe, "2024-03-16 10:00:00",
                                content="H\u00e9 \U0001F44B ken jij Daan?")],
               "title": moji(zoe), "is_still_participant": True,
               "thread_path": "message_requests/zoebakker_17841400000000002"}),
      ascii=True)
wjson(IG + "inbox/leeg_17841400000000003/message_1.json",
      ordered({"participants": [{"name": "Leeg Account"}, {"name": moji(me_ig)}],
               "messages": [], "title": "Leeg Account",
               "is_still_participant": False,
               "thread_path": "inbox/leeg_17841400000000003"}), ascii=True)
wjson("instagram/personal_information/personal_information/personal_information.json",
      {"profile_user": [{"title": "", "media_map_data": {},
                         "string_map_data": {
                             "Email": {"href": "", "value": "sanne@example.org", "timestamp": 0},
                             "Phone Number": {"href": "", "value": "+31612345000", "timestamp": 0},
                             "Name": {"href": "", "value": moji(me_ig), "timestamp": 0},
                             "Username": {"href": "", "value": "sanne.jansen", "timestamp": 0}}}]},
      ascii=True)

# ---- Instagram, HTML, older layout ----
IGH = "instagram-html/messages/inbox/daandevries_1784/"
def block(who, body, when):
    return ('<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder">'
            '<div class="_3-95 _2pim _a6-h _a6-i">%s</div>'
            '<div class="_3-95 _a6-p"><div><div></div><div>%s</div><div></div>'
            '<div></div></div></div><div class="_3-94 _a6-o">%s</div></div>\n'
            % (who, body, when))
write(IGH + "message_1.html",
      "<html><head><meta charset=\"utf-8\"><title>Daan de Vries</title></head>"
      "<body><div class=\"_a705\"><div class=\"_a706\" role=\"main\">\n"
      + block("Daan de Vries", "Tot morgen \U0001F609", "Mar 31, 2024 2:30:00 am")
      + block("Sanne Jansen", "Ok&eacute; &amp; doei", "Mar 14, 2024 9:15:00 pm")
      + block("Daan de Vries", '<div><a href="messages/inbox/daandevries_1784/photos/2000.jpg">'
              '<img src="messages/inbox/daandevries_1784/photos/2000.jpg"></a></div>',
              "Mar 14, 2024 9:09:15 pm")
      + block("Daan de Vries", "Hoi Sanne!", "Mar 14, 2024 9:07:41 pm")
      + "</div></div></body></html>\n")
write(IGH + "photos/2000.jpg", JPEG + b"html")
wjson("instagram-html/personal_information/personal_information.json",
      {"profile_user": [{"string_map_data": {
          "Name": {"value": "Sanne Jansen"}, "Username": {"value": "sanne.jansen"}}}]})

# ---- Messenger ----
FB = "messenger/your_facebook_activity/messages/"
FBT = FB + "inbox/daandevries_10158000000000001/"
REL = FBT[len("messenger/"):]
wjson(FBT + "message_1.json", ordered({
    "participants": [{"name": moji(daan)}, {"name": moji(me_ig)}],
    "messages": [
        igm(daan, "2024-03-14 21:00:00", call_duration=65,
            content="The video chat ended.", type="Call"),
        igm(me_ig, "2024-03-14 20:58:00", sticker={"uri": REL + "stickers/1.png"}),
        igm(daan, "2024-03-14 20:55:00", gifs=[{"uri": REL + "gifs/missing.gif"}]),
        igm(daan, "2024-03-14 20:50:00", audio_files=[{"uri": REL + "audio/voice.ogg"}]),
        igm(daan, "2024-03-14 20:45:00", content="\u00c9\u00e9n ding nog \U0001F609",
            reactions=[{"reaction": moji("\U0001F622"), "actor": moji(me_ig)}]),
    ],
    "title": moji(daan), "is_still_participant": True, "thread_type": "Regular",
    "thread_path": "inbox/daandevries_10158000000000001"}), ascii=True)
write(FBT + "stickers/1.png", PNG)
write(FBT + "audio/voice.ogg", OGG)
wjson(FB + "archived_threads/lottebakker_10158000000000002/message_1.json",
      ordered({"participants": [{"name": "Lotte Bakker"}, {"name": moji(me_ig)},
                                {"name": moji(daan)}],
               "messages": [igm("Lotte Bakker", "2024-03-10 09:00:00",
                                content="Wie rijdt er zaterdag?")],
               "title": "Voetbal", "is_still_participant": True,
               "thread_type": "RegularGroup",
               "thread_path": "archived_threads/lottebakker_10158000000000002"}),
      ascii=True)
wjson("messenger/personal_information/profile_information/profile_information.json",
      {"profile_v2": {"name": {"full_name": moji(me_ig), "first_name": "Sanne",
                               "last_name": "Jansen"},
                      "emails": {"emails": ["sanne@example.org"]},
                      "phone_numbers": [{"phone_number": "06 12345000", "verified": True}],
                      "username": "sanne.jansen.1"}}, ascii=True)
wjson(FB + "autofill_information.json",
      {"autofill_information_v2": {"FULL_NAME": [moji(me_ig)],
                                   "EMAIL": ["sanne@example.org"],
                                   "PHONE": ["+31612345000"]}}, ascii=True)
zipdir("messenger", "messenger.zip")
with open(os.path.join(out, "messenger.zip"), "rb") as f:
    z = f.read()
write("messenger-truncated.zip", z[: len(z) * 6 // 10])

# ---- Meta, no platform marks ----
wjson("meta-unknown/messages/inbox/iemand_1/message_1.json",
      ordered({"participants": [{"name": "Iemand"}, {"name": "Sanne Jansen"}],
               "messages": [igm("Iemand", "2024-01-01 12:00:00", content="Hallo")],
               "title": "Iemand", "thread_path": "inbox/iemand_1"}), ascii=True)

# ---- TikTok ----
wjson("tiktok/user_data_tiktok.json", {
    "Activity": {
        "Follower": {"FansList": [{"Date": "2023-01-02 10:00:00", "UserName": "lotte.b"}]},
        "Following": {"Following": [{"Date": "2023-01-03 11:00:00", "UserName": "daan.v"}]},
        "Login History": {"LoginHistoryList": [{"Date": "2023-03-14 19:00:00", "IP": "192.0.2.33"}]},
    },
    "App Settings": {"Block List": {"BlockList": [{"Date": "2023-02-01 09:00:00", "UserName": "creep99"}]}},
    "Direct Message": {"Direct Messages": {"ChatHistory": {
        "Chat History with daan.v:": [
            {"Date": "2023-03-26 02:30:00", "From": "daan.v", "Content": "Slaap je al?"},
            {"Date": "2023-03-14 20:09:15", "From": "sanne.j", "Content": "Nee \U0001F605"},
            {"Date": "2023-03-14 20:07:41", "From": "daan.v", "Content": "hoi, stuur je een foto?"},
        ],
        "Chat History with leeg.account:": [],
    }}},
    "Profile": {"Profile Information": {"ProfileMap": {
        "userName": "sanne.j", "bioDescription": "", "birthDate": "01-Jan-2010",
        "emailAddress": "sanne@example.org", "telephoneNumber": "+31612345000"}}},
})
write("tiktok-txt/Direct Messages/Direct Messages.txt",
      ">>> Chat History with daan.v::\n\n"
      "2023-03-14 20:09:15 UTC sanne.j: Nee \U0001F605\n"
      "2023-03-14 20:07:41 UTC daan.v: hoi, stuur je een foto?\n"
      "nog een regel\n\n"
      ">>> Chat History with lotte.b::\n\n"
      "2023-03-10 09:00:00 UTC lotte.b: https://www.tiktokv.com/share/video/7637602829980552468/\n")

# ---- Discord data package ----
def snow(msv, seq):
    return ((msv - 1420070400000) << 22) | seq
def dts(msv):
    return datetime.datetime.fromtimestamp(
        msv / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
DM, GUILD = "1180000000000000001", "1180000000000000002"
t1, t2, t3 = ms("2024-03-14 20:07:41"), ms("2024-03-14 20:09:15"), ms("2024-03-15 18:00:00")
wjson("discord/Messages/index.json", {DM: "Direct Message with daan_v#0",
                                      GUILD: "algemeen in Voetbal NL"})
wjson("discord/Messages/c" + DM + "/channel.json",
      {"id": DM, "type": "DM", "recipients": ["1170000000000000001", "1170000000000000002"]})
wjson("discord/Messages/c" + DM + "/messages.json", [
    {"ID": snow(t1, 7), "Timestamp": dts(t1), "Contents": "hoi daan", "Attachments": ""},
    {"ID": snow(t2, 9), "Timestamp": dts(t2), "Contents": "",
     "Attachments": "https://cdn.discordapp.com/attachments/1/2/IMG_1.jpg?ex=0 https://cdn.discordapp.com/attachments/1/3/SPOILER_b.png"},
])
wjson("discord/Messages/c" + GUILD + "/channel.json",
      {"id": GUILD, "type": "GUILD_TEXT", "name": "algemeen",
       "guild": {"id": "1160000000000000001", "name": "Voetbal NL"}})
# written in the exporter's local time (an hour ahead): the ID disagrees
wjson("discord/Messages/c" + GUILD + "/messages.json", [
    {"ID": snow(t3, 1), "Timestamp": dts(t3 + 3600000), "Contents": "wie komt er?",
     "Attachments": ""}])
wjson("discord/Account/user.json", {
    "id": "1170000000000000001", "username": "sanne_j", "discriminator": "0",
    "global_name": "Sanne", "email": "sanne@example.org", "phone": "+31612345000",
    "relationships": [
        {"id": "1170000000000000002", "type": 1, "nickname": "D",
         "user": {"id": "1170000000000000002", "username": "daan_v",
                  "global_name": "Daan", "discriminator": "0"}},
        {"id": "1170000000000000099", "type": 2, "nickname": None,
         "user": {"id": "1170000000000000099", "username": "creep99",
                  "global_name": None, "discriminator": "0"}}],
    "settings": {"locale": "nl"}})
write("discord-old/messages/1150000000000000005/channel.json",
      json.dumps({"id": "1150000000000000005", "type": 1,
                  "recipients": ["1", "2"]}) + "\n")
write("discord-old/messages/1150000000000000005/messages.csv",
      "ID,Timestamp,Contents,Attachments\r\n"
      "747951969171275807,2020-08-25 22:54:05.726000+00:00,\"regel een\r\nregel \"\"twee\"\"\",\r\n"
      "747951969171275808,2020-08-25 22:55:05+00:00,ok,https://cdn.discordapp.com/attachments/x/y/z.png\r\n")

# ---- DiscordChatExporter ----
dce = "dce/Direct Messages - daan_v [1180000000000000001].json"
media = "Direct Messages - daan_v [1180000000000000001].json_Files/pic-5D0C1.png"
write("dce/" + media, PNG)
def dauthor(i, n, nick):
    return {"id": i, "name": n, "discriminator": "0000", "nickname": nick,
            "color": None, "isBot": False, "roles": [], "avatarUrl": "x"}
wjson(dce, {
    "guild": {"id": "0", "name": "Direct Messages", "iconUrl": ""},
    "channel": {"id": DM, "type": "DirectTextChat", "categoryId": None,
                "category": None, "name": "daan_v", "topic": None},
    "dateRange": {"after": None, "before": None},
    "exportedAt": "2024-06-01T12:00:00+02:00",
    "messages": [
        {"id": str(snow(t1, 7)), "type": "Default",
         "timestamp": "2024-03-14T21:07:41.000+01:00", "timestampEdited": None,
         "callEndedTimestamp": None, "isPinned": False, "content": "hoi daan",
         "author": dauthor("1170000000000000001", "sanne_j", "Sanne"),
         "attachments": [], "embeds": [], "stickers": [], "reactions": [],
         "mentions": [], "inlineEmojis": []},
        {"id": str(snow(t2, 8)), "type": "Reply",
         "timestamp": "2024-03-14T21:08:00.000+01:00",
         "timestampEdited": "2024-03-14T21:09:00.000+01:00",
         "callEndedTimestamp": None, "isPinned": True,
         "content": "stuur eens een foto \U0001F60F",
         "author": dauthor("1170000000000000002", "daan_v", "Daan"),
         "attachments": [{"id": "5", "url": media, "fileName": "pic.png",
                          "fileSizeBytes": len(PNG)},
                         {"id": "6", "url": "https://cdn.discordapp.com/a/b/c.jpg",
                          "fileName": "c.jpg", "fileSizeBytes": 10}],
         "embeds": [], "stickers": [],
         "reactions": [{"emoji": {"id": "", "name": "\U0001F44D", "code": "thumbsup",
                                  "isAnimated": False, "imageUrl": ""}, "count": 1,
                        "users": []}],
         "mentions": [], "reference": {"messageId": str(snow(t1, 7)),
                                       "channelId": DM, "guildId": None},
         "inlineEmojis": []},
        {"id": str(snow(t2 + 600000, 1)), "type": "Call",
         "timestamp": "2024-03-14T21:19:15.000+01:00", "timestampEdited": None,
         "callEndedTimestamp": "2024-03-14T21:21:15.000+01:00", "isPinned": False,
         "content": "Started a call that lasted 2 minutes.",
         "author": dauthor("1170000000000000002", "daan_v", "Daan"),
         "attachments": [], "embeds": [], "stickers": [], "reactions": [],
         "mentions": [], "inlineEmojis": []},
    ],
    "messageCount": 3,
})

# ---- damaged and unknown ----
full = json.dumps(chat, indent=2).encode()
cut = full.index(b'"STATUSERASEDMESSAGE"')
write("bad/snap-cut/json/chat_history.json", full[:cut])
wjson("bad/snap-shape/json/chat_history.json", {"version": 2, "chats": "none"})
write("bad/snap-deep/json/chat_history.json", "[" * 100000)
wjson("bad/meta-missing/your_instagram_activity/messages/inbox/x_1/message_2.json",
      ordered({"participants": [{"name": "X"}],
               "messages": [igm("X", "2024-01-01 10:00:00", content="een")],
               "title": "X"}), ascii=True)
wjson("bad/meta-nomsgs/your_facebook_activity/messages/inbox/y_2/message_1.json",
      {"participants": [{"name": "Y"}], "title": "Y"})
wjson("bad/tiktok-none/user_data.json", {"Something": {"Else": []}})
wjson("bad/dce-nomsgs/export.json", {"guild": {"id": "1", "name": "G"},
                                     "channel": {"id": "2", "name": "c"}})
write("bad/discord-csv/messages/1234/messages.csv",
      "ID,Timestamp,Contents,Attachments\n"
      "747951969171275807,2020-08-25 22:54:05+00:00,\"cut off here")
big = {"daan_v": [snapmsg("daan_v", "TEXT", "2024-03-14 20:07:41",
                          "x" * (40 << 20), None, False),
                  snapmsg("daan_v", "TEXT", "2024-03-14 20:08:00", "na",
                          None, False)]}
wjson("bad/snap-huge/json/chat_history.json", big)
PY
rm -rf "$out/snapchat-old-src"
echo "mkdownloads: fixtures in $out"
