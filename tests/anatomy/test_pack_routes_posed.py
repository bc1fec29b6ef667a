"""The nerves and vessels the BodyParts3D leg keeps from the built-in one (BodyParts3D lacks
them), routed beside the pack's muscles at build time, checked where the window draws them: in
every preset pose, posed as the window poses the leg (the pack's soft tissue by its binding,
the kept tubes with the pack tissue around them, :mod:`calfexplorer.anatomy.kept_tubes`).

At rest every route runs under 2 % of its length inside a pack muscle, tendon or bone it is not
meant to run inside (``within``), judged along each run between stations (:func:`_share`). In
the presets 123 of 125 (preset, route) pairs do; 2 do not (#12, not met; :data:`BEYOND`, marked
one by one). Posed by the built-in deformer along the built-in model's paths 42 failed (tibial
nerve up to 53 %, common fibular nerve 71 %, soleal veins 61 %; the shares summed over all
pairs 9.1 as first measured, each structure's share added). Since a length inside two
structures counts once, and a vessel's length inside its own muscle where that muscle is posed
overlapping another is not counted (:func:`_share`; the soleal veins in the deep squat lie 43 %
of their length in the soleus where the gastrocnemius' lateral head overlaps it, which left 51
% counted), the summed shares were 1.9 (2.1 before the kept tubes were also kept out of tissue
that slides up to them in sample poses), 2.0 with the rest routes re-chosen as smooth lines
(:func:`.route_finding.route`): the posed tubes were left where the tissue slides
past a station more than its nearest neighbours show and the pushes out of the structures on
either side disagree, at 90-120 degrees of knee flexion (tibial nerve 41 % in the deep squat).
Now the kept tubes learn, in a grid of poses with the knee bent, how far their stations must
move out of the posed tissue (:func:`calfexplorer.anatomy.posed_routes.clear_out`; a move that would
kink a tube is smoothed or left out), blended between those poses: 18 -> 12 pairs over 2 %,
summed shares 2.0 -> 1.4 (tibial nerve in the deep squat 41 -> 31 %, the bent-knee stretch 18
-> 12 %, the seated calf raise 13 -> 11 %; lateral sural cutaneous nerve in the deep squat 15
-> 0 %, medial sural cutaneous 7 -> 0 %, fibular artery 7 -> 0 %, deep femoral artery 10 -> 0
%), but the common fibular nerve in the seated calf raise 4 -> 10 % and the tibial nerve in the
straight-knee stretch 5 -> 9 % (its rest route straightened behind the knee, which alone took
it in the bent-knee stretch 18 -> 25 %); common fibular nerve in the deep squat 26 % as before
(its move there kinked it, and left out).

Why the tibial nerve lay in tissue in the deep squat (knee 120, ankle 30, a grid pose): posed
without the learnt moves 43 % of it ran inside tissue, and the move out of it left 31 %: behind
the knee through the tibia's back (runs 8-10) and the plantaris, popliteus and the gastrocnemius
heads, lower down through flexor digitorum longus and tibialis posterior (even the extensor
digitorum longus), with a 111-degree kink where the neighbours' fits of femur and calf disagree.
The tissue there overlaps (on a disc 30 mm in radius across the nerve at station 12, 90 % is
tissue and 58 % lies in two structures or more, the soleus and plantaris; the pack's own
popliteal and posterior tibial vessels lie 37-56 % inside other tissue), yet free space lay
within 2-8 mm of every station. The move was found in the coarse twins and kept only where it
did not kink the tube. Now each grid pose also lays the tube through the least of the full
tissue (:func:`calfexplorer.anatomy.route_laying.lay_through`: the kinked stretch smoothed, then a
Viterbi choice of places on discs across the tube, charged by the structures a place and a run
lie in and their depth, ten times in a bone, and by the change of move between stations; again
smoothed wider where that leaves some inside) and keeps, of no move, the old move and those, the
one that lies best in the full tissue (share inside plus 1 % per 60 degrees of its sharpest turn
beyond 60): 12 -> 6 pairs over 2 %, summed shares 1.40 -> 0.43; tibial nerve in the deep squat
31 -> 8.5 % (sharpest turn 111 -> 66 degrees), the seated calf raise 11 -> 6.1 % (103 -> 46
degrees), knee 90 118 -> 51 degrees; common fibular nerve deep squat 26 -> 0 %, seated 10 -> 0
%; medial calcaneal branches 14 -> 0 %; sciatic nerve 7 -> 0 %; deep femoral artery seated 6 ->
0 %; but the tibial nerve in the bent-knee stretch 12 -> 13 % (blended 89 % from knee 45, where
the new move leaves 4 % against 15 %). The straight-knee stretch (9 %) learns nothing (straight
knee); learning there too (ankle -40 and 30, rest still none) took it to 20 %: blended two
thirds of the way to its move.

Why the rest stayed (measured per pair, the tube posed, moved and checked as here): where the
tibial nerve still ran inside, no free place lay within 10 mm across it (a disc across the
tube at the run: bent-knee stretch, behind the knee in the soleus, which the pose slides over
the nerve's rest place between popliteus and plantaris, the nearest free place 12.5 mm off;
mid-calf in flexor digitorum longus, 17.5 mm; deep squat behind the knee in the gastrocnemius'
lateral head and the soleus, 88 % of a disc 30 mm in radius tissue, 46 % in two structures,
nothing free within 20 mm), and the cheapest line went through rather than bend that far. The
grid's blending is not the bent-knee stretch's cause: moved as learnt at that very pose it
leaves 13.6 % (8.0 % with the tries below), and the move of the nearest grid pose (knee 45,
ankle 30; 4 % there) taken whole leaves 13.0 % there: the posed tissue changes faster than the
grid. It is the straight-knee stretch's: a move learnt at its own pose clears it (0 %, 5 mm),
but the grid's straight-knee row learns none, and the move learnt at ankle 30 (15 mm) blended
two thirds of the way leaves 19.5 %. It is part of the seated calf raise's (knee 90, ankle -30:
moved as learnt there 3.1 %, blended from ankle -40 and 0 6.1 %). Now the wider re-laying
(:data:`calfexplorer.anatomy.route_laying.LAY_WIDE`) tries three more weightings of the cheapest
line (a cheaper change of move between stations, or a dearer place inside tissue), keeping the
one lying best and turning no more than the first try and 90 degrees: 6 -> 5 pairs over 2 %,
summed shares 0.43 -> 0.33; tibial nerve seated calf raise 6.1 -> 0 %, deep squat 8.5 -> 4.2 %
(sharpest turn 70 degrees); no other pair changed; the learning 29.2 -> 31.7 s (same machine,
one after the other). And with the knee straight the tubes now learn at ankle 20 too
(:data:`calfexplorer.anatomy.leg_poser.LEARN_STRAIGHT_ANKLES_DEG`; the grid's other straight
poses, the rest pose among them, still take none): straight-knee stretch 9.3 -> 0 % (knee 0,
ankle 15 3.3 -> 0 %, ankle 25 14.9 -> 11.9 %, ankle 30 17 % as before), bent-knee stretch
13.2 -> 13.1 %, no other pair changed: 5 -> 4 pairs over 2 %, summed shares 0.33 -> 0.24.
The deep squat's 4.2 % came from the try that charges the change of move least: rendered, the
nerve wove from side to side along the calf in jogs (its turns summed over 120 degrees more
than the first try's). A try may now turn the tube at most 60 degrees more in all than the first
(:data:`calfexplorer.anatomy.route_laying._LAY_MORE_TURN_DEG`): the deep squat's tibial nerve is
back to 8.5 %, smooth as before, the seated calf raise stays at 0 %; summed shares 0.24 ->
0.28.

With the creases at knee 120 mended (``anatomy/folds.py``) the deep squat's tibial nerve lay
5.1 % in tissue. Where laying the posed tube through the full tissue still left some inside,
it is also laid from where the move out of the coarse twins left it (the coarse twins' free
places lie near the full tissue's; ``leg_poser._best_move``), the better kept: deep squat
tibial nerve 5.1 -> 0 %, saphenous nerve 2.5 -> 0 %, seated calf raise saphenous nerve 3.8 ->
0 %: 4 -> 1 pairs over 2 %, summed shares 0.245 -> 0.131. The bent-knee stretch is unchanged.
Rendered medially, the deep squat's tibial nerve lies clear behind the knee and along the
calf, with a step where it leaves the fossa and one mid-calf.

Between the grid's poses it is worse than the presets show (the pack with its lighter vessels,
d745a71, posed as here at other knee x ankle pairs): over a 7 x 5 sweep (knee 0, 20, 45, 70, 90,
105, 120; ankle -40, -20, 0, 15, 30) the shares summed 4.42 with 46 (pose, route) pairs over 2 %,
and over 24 poses off the grid (knee 10, 30, 60, 80, 100, 112; ankle -30, -10, 10, 22) 3.85 with
43, nearly all the tibial nerve: knee 120 ankle 15 43 %, knee 105 ankle 30 38 %, knee 112
ankle 22 44 %, knee 0 ankle 30 17 % (the straight knee learns at ankle 20 only). Moves learnt
at neighbouring poses go round the tissue different ways, and their blend runs through it. Tried
and not kept: learning with the knee straight at ankles -40 and 30 too (the sweep 4.42 -> 4.10,
knee 0 ankle 30 17 -> 0 %, but knee 0 ankle 25 12 -> 20 % and the bent-knee stretch 13.1 ->
15.8 %); also preferring a neighbouring pose's move where it lies within 0.5 % as well (off the
grid 3.85 -> 3.22, the bent-knee stretch 15.9 %), or laying again from it (the stretch 23 %);
adding knees 70 and 105 to the grid (off the grid 3.01, learning 38 -> 58 s of CPU, past the
build's budget); learning the poses in two threads (bit for bit the same moves, but 44 s
against 38 s on two cores: the inside tests hold the interpreter).

The routes are drawn eased where they still turned sharply (the tibial nerve stepped 2 cm
sideways behind the knee, turning 59 degrees; :func:`calfexplorer.anatomy.routing.ease`). The
kept tubes are still embedded in the tissue where routed, and the easing is the straight knee's
learnt move, so the bent knee's poses start from the route as before: in the presets no share
changed but the bent-knee stretch's (13.1 -> 13.0 %). Between the straight knee and the grid's
next (knee 45) the two blend: over knee 10-40 by ankle -30/0/20 the shares summed 0.57 -> 0.61
(knee 10 ankle 20 3.2 -> 9.9 %; knee 20 ankle 0 4.5 -> 3.7 %), the tibial nerve turning
26-51 degrees where it turned 57-63. Easing the routes themselves, the posed tubes starting
from there, had taken the deep squat's tibial nerve 0 -> 17 %, the seated calf raise's 0 ->
3.3 %.

All the shares above were judged at the midpoints of the runs between stations, and so were
the routes: a run could cross thin tissue between its ends and its midpoint unseen. Judged at
five points along each run (:data:`calfexplorer.anatomy.route_solids.RUN_POINTS`), the pack as it
was lay 1.29 in tissue over the presets (19 pairs over 2 %, 1 seen): the superior gluteal
artery 9.9 % in every preset (in the gluteus maximus, whose deep surface its superficial branch
enters: now ``within`` it), the sciatic nerve 2.5-2.9 % (through the edge of the gluteus
maximus), the tibial nerve 2.7 % at rest (eased, through the top of the soleus). Now a rest
route whose runs cross tissue at those points is laid through the least of it, and the easing
may lay no more of any run inside: the sciatic nerve 2.5 -> 0 % at rest (its jog 87 -> 27
degrees), the tibial nerve drawn as routed (1.9 %, stepping 59 degrees again where the soleus
lies across its way): 1.29 -> 0.57 summed. The learning now also chooses between a posed
tube's moves judging them so (:func:`calfexplorer.anatomy.posed_routes.posed_cost`): 0.57 -> 0.52,
5 pairs over 2 %, all the tibial nerve's (the sciatic nerve in the seated calf raise 2.3 -> 0
%, the gastrocnemius veins in the deep squat 2.7 -> 0 %, the tibial nerve in the straight-knee
stretch 4.5 -> 3.7 %). Making the moves still judges midpoints: judged at three points along
each run there too, the shares summed 0.52 as here but 7 pairs lay over 2 % (the bent-knee
stretch 11.9 -> 16.1 %), and the build took 40 -> 82 s.

The common fibular nerve now starts at the sciatic nerve's end (it started 37 mm away, behind the
long head of biceps femoris: ``from_end_of``, :data:`calfexplorer.anatomy.routing.BRANCH_FADE`):
seated calf raise 0.5 -> 0 %, deep squat 1.9 -> 2.6 % (run 6, where it leaves the muscle round its
medial border, as well as runs 27-28 in the short head as before); its start drawn taut round that
muscle (:func:`calfexplorer.anatomy.routing._smooth_start`), 0.9 %. Where the tibial nerve still
runs in tissue (measured on that pack, per run between stations): at rest and with the knee
straight, run 12 (its 59-degree step from the popliteal fossa, medial to the top of the soleus, to
beside the posterior tibial vessels lateral to it; made by the rest routing's push out of the
tissue, not by the re-laying or easing after it) lies 40-60 % in the soleus and plantaris, the
standing heel raise's 3.7 % with run 6 in the gastrocnemius' medial head; the bent-knee stretch's
11.9 % is mostly mid-calf (runs 25-26 and 30-31 in flexor digitorum longus), run 12 0.6 of it; the
seated calf raise run 11 (soleus and plantaris) and run 7; the deep squat runs 17-22 and 32
(fibularis longus, flexor hallucis longus, flexor digitorum longus). At rest no free way leads
under the soleus: in the pack's rest tissue (exact test, within the limb's envelope, a 1.5 mm grid)
the free space around station 11 (popliteal fossa) reaches station 14 (beside the posterior tibial
vessels) with at most 1-1.5 mm of clearance, and its shortest way, with 1 mm or none, climbs over
the popliteus and round the proximal tibiofibular joint beside extensor digitorum longus: none
passes under the soleus, whose top lies on the popliteus and tibialis posterior (the routing asks
2-4 mm of clearance).

Measured again (pack of 87c1923, five points per run): every point of the tibial nerve inside
tissue lies in one structure only, so the posed tissue there does not overlap itself: rest,
run 12 in the soleus; standing heel raise, run 6 in the gastrocnemius' medial head and run 12
in the soleus and plantaris; straight-knee stretch, run 12 and runs 25-26 (flexor digitorum
longus); bent-knee stretch, runs 25-26 and 30-31 wholly in flexor digitorum longus (also runs
9 and 12: tibia, soleus); seated calf raise, run 7 (medial head) and 11 (soleus, plantaris);
deep squat, runs 5, 17-19, 22, 32 (medial head, fibularis longus, flexor hallucis longus,
flexor digitorum longus). Across run 12 at rest 25-30 mm of soleus lies between the tibia's
back (with tibialis posterior, 1-2 mm off) and the plantaris. Tried and not kept (branch
``arch33`` of that session): the soleus eased off the deep muscles under its arch by a gentle,
wide displacement (deep surface up to 10 mm posteriorly, shrinking through 60 mm of muscle,
fading over 75 mm across; no face turned over, volume -1.9 %), which left a 12 mm gap there.
The rest routing did not take it (rest 1.8 %; bent-knee stretch 15.4 %, deep squat 13.0 %).
With the route's stations 12-13 moved through the gap by hand: rest 0 %, heel raise 1.5 %,
straight-knee stretch 1.8 %, seated calf raise 2.3 %, but bent-knee stretch 13.2 %, deep squat
7.6 % and the gastrocnemius veins 2.7 % in the deep squat (the learnt moves change with the
tissue).

Tried and not kept (pack of 3e6fea4, all 125 pairs measured, each tube relearning its moves):
the stations embedded in more of the tissue around them, so that a nerve between two deep
muscles at rest stays between them posed. Followed the four nearest structures, not two: 6 -> 9
pairs over 2 %, summed shares 0.44 -> 0.72 (tibial nerve bent-knee stretch 11.9 -> 12.8 %, deep
squat 6.8 -> 18.5 %, seated calf raise 4.8 -> 6.5 %; lateral sural cutaneous nerve seated 0 ->
4.6 %, gastrocnemius veins deep squat 0 -> 7.5 %). Followed the nearest structure and the
nearest across the station from it (its nearest point on the far side): 6 -> 7 pairs, 0.44 ->
0.60 (straight-knee stretch 3.7 -> 2.5 %, but bent-knee 13.5 %, deep squat 15.4 %, seated 6.4 %,
gastrocnemius veins deep squat 3.8 %). Moved by the neighbours' weighted displacement alone (no
turn of the lever from their centre): 6 -> 8 pairs, 0.44 -> 0.61 (bent-knee 16.1 %, seated
10.3 %, deep squat 6.1 %, soleal veins deep squat 5.4 %). Twenty-four points per structure, not
eight: 6 -> 5 pairs, 0.44 -> 0.51 (bent-knee 10.1 %, seated saphenous nerve 2.2 -> 1.4 %, but
deep squat 16.5 %). None eased the bent-knee stretch without the deep squat getting worse.

Measured again (pack of c094f6f): the pack's own posterior tibial vessels cannot lead the nerve
out of the tissue, for they lie in it: their centrelines (the meshes cut in 40 slices along
their length) run 50 % (artery) and 47 % (veins) inside other pack tissue at rest, mostly the
soleus (31 % of the artery's vertices), and 33-72 % and 46-55 % in the presets (bent-knee
stretch 67 % and 51 %; the popliteal artery 31-59 %); beside the bent-knee stretch's runs 25-31
every vertex of the artery within 15 mm of the nerve lies in tissue. Yet there the posed tissue
leaves room: each station of the nerve inside it lies 1-3 mm from a point outside all tissue
(a ball of its radius and 1 mm more fits 4-6.5 mm off), and 0-2 % of a 5 mm ball round it lies
in two structures. The moves miss that room because the grid is coarser than the tissue's
change: learnt at that very pose the move leaves 5.9 % (blended from the grid 11.9 %); no grid
pose's move taken whole leaves less than 10.8 % there (knee 45 ankle 30 11.0 %, the straight
knee's ankle 20 10.8 %); the grid's row at knee 40 for 45 leaves 13.0 %, a column at ankle 25
(knee 45; three more poses to learn) 10.4 %. Where a preset is a grid pose the learning itself
leaves what is measured here: straight-knee stretch 3.7 % (every station outside the tissue;
points between them cross it in runs 12 and 25-26, and the learning judges a run at its
midpoint), deep squat 6.8 % (station 18 in fibularis longus, nothing free within 6.3 mm). Tried
and not kept: a last laying judged at five points per run where the moves leave over 2 % (deep
squat 6.8 -> 5.1 %, but seated calf raise 4.8 -> 5.7 %, saphenous nerve deep squat 0 -> 1.5 %,
bent-knee stretch unchanged; over 6 min of the learning's CPU against ~50 s); the laying's places
on a finer disc (16 angles, or 1.25 mm steps, or rings at 1.25 and 3.75 mm added), each learnt
at four presets' knee and ankle: mixed (bent-knee stretch 5.9 -> 5.2-7.2 %, straight-knee
stretch 3.7 -> 4.4-5.6 %, deep squat 6.8 -> 5.8-7.2 %, seated calf raise 4.6 -> 2.8-4.7 %).

Now at each learnt pose a posed tube whose runs still cross tissue between stations (the moves are
made judging a run at its midpoint) has its stations moved off it a station and its neighbours at a
time, judged at five points per run (:func:`.posed_routes.clear_runs`), and with the
knee straight the tubes learn at ankle -30 too (the heel raise took the easing alone;
:data:`calfexplorer.anatomy.leg_poser.LEARN_STRAIGHT_ANKLES_DEG`): 5 -> 3 pairs over 2 %, summed
shares (rest included) 0.367 -> 0.214: tibial nerve heel raise 3.7 -> 1.0 %, deep squat 6.8 -> 1.3
%, seated calf raise 4.8 -> 3.7 %, bent-knee stretch 11.9 -> 9.1 %, straight-knee stretch 3.7 ->
3.6 %; saphenous nerve seated 1.6 -> 0 % and deep squat 1.2 -> 0 %, common fibular nerve deep squat
0.5 -> 0 %; no pair worse. The build's CPU 71 and 65 -> 91 and 86 s (get-anatomy, alternating, load
average 8). Where the tibial nerve still runs inside (pack of aae08cc and this, five points per
run): at rest and in the straight-knee stretch run 12 (1.7-1.9 % of the length, z 0.45 -> 0.43 m)
crosses the soleus from the popliteal fossa to beneath it: across run 12 at rest a disc 10 mm in
radius is all soleus and the nearest free point lies 14 mm off (the pack's soleus lies on the deep
muscles; no single station's move, up to 20 mm, lessens it). In the straight-knee stretch runs
25-26 (1.9 %, z 0.26 -> 0.22 m) and in the bent-knee stretch runs 25-26 and 30-31 (7.5 %, z 0.32 ->
0.25 m) lie in flexor digitorum longus (run 31 also tibialis posterior), which the pack lays
against the soleus without a gap: across run 26 (straight) 99 % of that disc is tissue, 3 % in two
structures, the nearest free point 5.4 mm off, between the tibia and the soleus; across run 25
(bent) 97 %, 5 %, 3.0 mm. The seated calf raise's runs 8, 11-12 (3.7 %) lie in the soleus and
plantaris under the arch, with free space 3 mm off; it is blended from ankles -40 and 0 (3.7 %),
and the tube as drawn before moved off the tissue at its own pose by clear_runs left 2.1 % (4.8 %
before). The bent-knee stretch (knee 40, ankle 25) is blended from the straight knee's ankles 20-30
and knee 45's 0-30; so moved at its own pose it left 3.9 % (11.9 %). Rendered medially, the deep
squat's tibial nerve now bows about a centimetre backwards mid-calf where it stepped sideways.

Merged with the built-in assets rebuilt for the skin's knee moves (4a84f24: the built-in nerves,
where the kept tubes start from, had not been rebuilt since extensor digitorum brevis was added,
and moved a little), the pack of that merge: heel raise 1.0 %, straight-knee stretch 1.8 % (both
pass), bent-knee stretch 3.9 %, seated calf raise 3.7 %, deep squat 5.8 % (1.3 % before the
merge; 6.8 % before clear_runs); no other pair over 2 %.

Where and why, measured again (pack of 0cc8710, five points per run): the bent-knee stretch
3.85 %, run 12 (0.6 of its 24 mm in the soleus and plantaris, z 0.48 m: the rest route's step
from the popliteal fossa to beneath the soleus, 1.9 % of the length at rest, which every pose
inherits) and runs 23-24 (0.2 each, the soleus where it lies on flexor digitorum longus with a
slit 2.5 mm wide between them); the seated calf raise 3.7 %, runs 11-12 (soleus, plantaris)
and 8 (medial head); the deep squat 5.75 %, run 18 (0.6 of 45 mm, between tibialis
posterior and anterior: the move out of the coarse twins took it into the gap between tibia
and fibula, the front of the deep compartment) and run 22 (flexor digitorum longus), turning
112 degrees behind the knee; rendered medially it zigzags along the calf. At the grid's own
poses the learning leaves: knee 45 ankle 30 5.2 %, ankle 0 2.0 %; knee 90 ankle -40 3.1 %,
ankle 0 2.1 %; knee 120 ankle 30 5.8 %; learnt at the presets' own poses: bent-knee stretch
3.7 %, seated calf raise 1.7 % (blended from ankles -40 and 0: 3.7 %). So the seated calf
raise's cause was the blending, the others' the learning itself. Now the grid's plantarflexed
column is at ankle -30 (the seated calf raise's), not -40: seated 3.7 -> 1.7 %, no other preset
changed, summed shares 0.180 -> 0.160, the learning's CPU as before (get-anatomy 89 -> 84 s
user, one after the other, load average 10-12). At ankle -40 (held at -30's moves) the tibial
nerve lies deeper at knee 90 (2.9 -> 6.3 %) and 120 (5.8 -> 10.6 %), less deep at knee 0 (4.3
-> 3.6 %) and 105 (24.5 -> 20.3 %). Tried and not kept: polishing (clear_runs) the move out of
the coarse twins as well as the best move: knee 45 ankle 30 5.2 -> 1.5 %, but blended with its
neighbours' moves the bent-knee stretch 3.8 -> 9.4 %; learning at ankles -40 and -30 both (3
more poses) for no better preset; a second polish on finer discs (16 angles, 1.25 mm steps):
bent-knee stretch learnt at its pose 3.85 -> 2.9 %, deep squat unchanged (6.6 %), 1-5 s more
per pose; polishing from every candidate on such discs found 1.5 % at the bent-knee stretch's
own pose and 4.4 % at the deep squat's (88 degrees turned), but 16-30 s per pose.

Between the presets, over knee 0-120 by 15 and ankle -30..30 by 15 (checked below: no deeper
than measured), the tibial nerve (%), columns knee 0 ... 120::

    ankle -30:   1.0   2.6   3.3   1.7   8.2   6.7   1.7  16.8   5.7
    ankle -15:   1.9   2.8   2.7   3.3   7.2   6.1   3.5  14.9   8.3
    ankle   0:   1.9   2.8   2.7   1.8   5.8   6.0   2.1  12.4   4.9
    ankle  15:   1.8   2.6   3.5   3.2   6.4   8.1   5.1  25.2  40.2
    ankle  30:   6.5   6.9   6.3   5.0  10.4   9.0   4.6  40.7   5.8

all routes summed 4.19 with 54 pairs over 2 % (the ankle's column at -40: 4.46, 55; knee 120
ankle -30 22.4 -> 5.7 %, -15 20.6 -> 8.3 %, knee 105 ankle -30 23.3 -> 16.8 %, but knee 15
ankle -30 1.8 -> 2.6 %, knee 60 7.6 -> 8.2 %); the common fibular nerve 1.9-3.5 % at knee 60-75.

No learnt move may now take a station across the line between tibia and fibula
(:mod:`calfexplorer.anatomy.interosseous`: the layings charge places across it, a move still
crossing it is not taken), and the tibial nerve's moves are faired like the taut tubes'
(:data:`calfexplorer.anatomy.leg_poser.FAIRED`). The deep squat's tibial nerve had been moved
through the gap between the bones (stations 17-18, 39 and 28 mm in front of the line, in front
of tibialis posterior) and turned 112 degrees, 17 turns over 45: now 5.75 -> 3.94 % inside
(runs 0 and 12-13, behind the knee; runs 18 and 22 of the calf now clear), sharpest turn 60
degrees, 3 turns over 45. Rendered medially it runs down the calf as one cord with gentle
bends; seen from behind, a small loop is left where it leaves the popliteal fossa.
Sharpest turn per preset, before -> after: rest 59 -> 59, heel raise 53 -> 49, straight-knee
stretch 46 -> 46, bent-knee stretch 69 -> 61 (3.85 % as before), seated calf raise 72 -> 47
(1.70 -> 1.73 %), deep squat 112 -> 60; no other pair changed; summed shares 0.160 -> 0.142
(pack of bdb0a21). Between the presets (the grid below) 4.05 -> 3.52 summed, 49 pairs over 2 %
as before; the tibial nerve knee 120 ankle 15 40.2 -> 15.1 %, knee 105 ankle 30 40.7 -> 17.3 %,
but knee 105 ankle -30..0 12.4-16.8 -> 15.1-18.6 %; its sharpest turn over the grid 75 -> 66
degrees on average (at most 144 -> 143). Fairing every kept tube, not only the taut ones and the
tibial nerve, changed no preset but laid the lateral sural cutaneous nerve at knee 105 ankle 0
2.3 % inside (50 pairs over 2 %).

Where the last two lie, measured again (get-anatomy pack of bce9efa, five points per run): the
rest route's run 12 (z 0.450 -> 0.435 m, 27 mm, a 21 mm step laterally from the popliteal fossa
to beside the posterior tibial vessels) lies 0.4 in the soleus at rest and 0.2-0.8 in every pose
measured (the grid's knee 0 ankle 20 and 30, knee 45 ankle 0 and 30, knee 90 ankle 30, knee 120
ankle 0), where the bent knee slides the plantaris and the lateral head onto it: of the
bent-knee stretch's 3.85 % it is 2.55 (3 of its 5 points in the plantaris, 2 of them in the
soleus too, so the soleus alone does not cover it; the rest runs 23-24 in the soleus, 1.3), of
the deep squat's 3.94 % runs 12-13 are 3.4 (5 of their 10 points: lateral head, soleus and
plantaris, overlapping; the rest run 0 in the long head of biceps femoris, 0.57). In life the
nerve crosses the popliteus and passes deep to the soleus' fibrous arch with the popliteal
vessels. In the pack's rest tissue (exact test, 1 mm grid round stations 10-16) that way is a
slit 1 mm clear between the soleus and the popliteus, along the tibia's back where the pack's
own popliteal artery runs (22-27 % of its vertices at z 0.43-0.45 m in the soleus, 14-65 % in
the popliteus or tibialis posterior): its shortest way from station 12 to 14 is 69 mm, 20 mm
forward and back, against the route's 42 mm; nothing 2 mm clear leads there (1.5 mm clear, 153
mm round the tibiofibular joint), and the least soleus any way crosses is 4-5 mm. Posed in the
bent-knee stretch the same (station 11 to 14: 76 mm 1 mm clear, 146 mm 1.5 mm clear, none 2 mm;
the least crossing 5 mm of soleus, which its stations 12-13 put on it cannot follow: 15-17 mm
runs, run 12 then wholly in the soleus, 4.04 %). Tried and not kept (each relearning its moves):
station 13 put on that least-crossing way: rest 1.91 -> 1.55 %, but bent-knee stretch 3.85 ->
6.31 % and deep squat 3.94 -> 6.09 % (plantaris at run 9, flexor digitorum longus at runs 23-24,
soleus at runs 14-15); stations 11-15 put along the slit (15 mm runs cannot follow its bends):
rest 4.26 %, bent-knee 7.41 %, deep squat 12.15 %. The pack's soleus closing the plane between
it and the deep muscles, its arch included, is the cause: squeezed off the nerve's line (an
experiment on a copy of the pack, its deep side pressed posteriorly towards its back, monotone;
the binding, kept tubes and their moves made again; not kept), the arch alone (the straight line
from station 12 to 14 cleared, station 13 on it; 173 of its 2211 vertices moved, up to 24 mm,
volume -3.9 %): rest, heel raise, straight-knee stretch and seated calf raise 0 %, bent-knee
stretch 1.31 %, but deep squat 5.78 % (plantaris at run 14, soleus and flexor digitorum longus
at runs 23-24), the presets summed 0.142 -> 0.071 (from station 11: bent-knee 2.58 %, deep squat
3.89 %); the arch and the plane down to station 28 (1011 vertices, up to 25.5 mm, volume -16 %):
bent-knee 0.55 %, deep squat 0.60 %, summed 0.023, no pair over 2 %; squeezed at most 8-12 mm in
front of the line (volume -4 to -9 %) the line stays in the soleus at the arch (10-12 of 41
points). A fix moves the soleus' deep surface off the nerve's course keeping the muscle's volume.
Tried so at build time (arch39; not kept): the soleus' vertices within 6 mm of the rest route
(fading by 12 mm) squeezed off the deep muscles to a 9.4 mm gap, in depth order, the volume
given back 20-40 mm from the route along the normals (-0.01 %, up to 8.6 mm, nothing within 3
mm of the bones moved, no face turned over), routes and sites made against the unopened soleus
(made against the opened one the route shifted 3-13 mm and the deep squat's moves put it 27.6 %
in flexor digitorum longus and the tibia): rest 0.95 %, bent-knee stretch 0.79 %, deep squat
3.50 %, all presets summed 0.142 -> 0.082, the grid 3.52 -> 2.53 summed (49 -> 33 pairs over
2 %); but the soleus seen from the medial side showed dark dashes across its face and its
tibial origin's patch a spike, not explained in time.

Explained and redone (arch40, pack 1.9.0). The dashes were the selection's outline: a
silhouette edge joins a face turned to the eye and one turned away, and arch39's opening moved
each vertex by its own nearest deep-muscle vertex's distance and normal (both jump from vertex
to vertex), faded over 3-6 mm, so BodyParts3D's slivers (half the soleus' faces under a seventh
as high as long) folded against their neighbours (252 edges over 60 degrees against 17, up to
146 degrees more); those folds lie a few mm under the thin medial face, and the outline, pulled
towards the eye to win over its own surface, showed through. The patch did not change (the sites
are cut against the unopened soleus): the soleus' surface moved off the fibular origin patch by
the arch, laying bare more of it. Now the lift is one smooth field in a frame along the route
(:mod:`calfexplorer.anatomy.plane_open`): direction and need per station, smoothed; faded over
6-30 mm to the side, 25 mm above the room and 3-20 mm from the bones; the volume given back by
widening the cross sections (2.1 %; -0.15 % left); faces turned over 30 degrees moved whole
(none left; none turned over; origins not moved; at most 7.2 mm). Rest 1.91 % (run 12 crosses
the fibular part of the arch side-on 9-12 mm from the fibula, where no lift away from the deep
muscles clears it), heel raise 0.99, straight-knee stretch 1.75, bent-knee stretch 2.42, seated
calf raise 1.81, deep squat 2.70 (run 12 lateral head and soleus, run 0 biceps femoris, run 13
soleus; the saphenous nerve 1.53 % and the gastrocnemius veins 0.88 % there, 0 before); the grid
between them 3.52 -> 3.06 summed, 49 -> 43 pairs over 2 %. Faded 18 mm above the room instead,
the bent-knee stretch was 1.57 % but the seated calf raise 2.04 % and the deep squat 3.45 %, or
(the same field, its faces evened before the widening) 5.48 % (plantaris at run 14): the learnt
moves change with any change of the soleus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.mapping import load_mapping
from calfexplorer.anatomy.route_apply import eased_offsets
from calfexplorer.anatomy.route_solids import run_points, solids
from calfexplorer.anatomy.route_tubes import Tube
from calfexplorer.geometry.mesh import Mesh, vertex_normals
from calfexplorer.geometry.params import load_params
from calfexplorer.motion.presets import PRESETS

#: Share of a route's length that may run inside the pack's tissue.
INSIDE_SHARE = 0.02
TISSUE = ("muscle", "tendon", "bone")
#: The kept tubes the pack routes (its manifest's ``routes``).
ROUTES = ("sciatic_nerve", "tibial_nerve", "common_fibular_nerve", "deep_fibular_nerve",
          "superficial_fibular_nerve", "sural_nerve", "medial_sural_cutaneous_nerve",
          "lateral_sural_cutaneous_nerve", "fibular_communicating_branch", "saphenous_nerve",
          "medial_plantar_nerve", "lateral_plantar_nerve", "medial_calcaneal_branches",
          "femoral_nerve", "obturator_nerve", "inferior_gluteal_nerve", "deep_femoral_artery",
          "medial_circumflex_femoral_artery", "obturator_artery", "superior_gluteal_artery",
          "inferior_gluteal_artery", "sural_arteries", "fibular_artery", "soleal_veins",
          "gastrocnemius_veins")
#: (preset, route) -> share measured inside, where a route still runs through pack tissue.
BEYOND: dict[tuple[str, str], float] = {
    ("bent_knee_calf_stretch", "tibial_nerve"): 0.025,
    ("deep_squat", "tibial_nerve"): 0.028,
}


@pytest.fixture(scope="module")
def posing(built_pack: Path) -> tuple[Any, Any]:
    """The pack leg (its kept tubes routed) and its poser."""
    from calfexplorer.anatomy.leg_poser import PackLegPoser

    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    return leg, PackLegPoser(leg)


@pytest.fixture(scope="module")
def shares(posing: tuple[Any, Any]) -> dict[str, dict[str, float]]:
    """Preset -> route -> share of its length inside pack tissue it should not run inside."""
    return {preset.id: _posed_shares(*posing, {
        j: getattr(preset.pose, j) for j in ("knee", "ankle", "subtalar", "toes")})
        for preset in PRESETS}


def _posed_shares(leg: Any, poser: Any, angles: dict[str, float]) -> dict[str, float]:
    """Route -> share of its length inside pack tissue it should not run inside, posed at
    ``angles`` (radians) as the window poses the leg."""
    pack = leg.pack
    specs = {s.id: s for s in load_params().sweeps}
    mapping = load_mapping()
    posed = poser(angles)
    tissue = {}
    for sid, m in pack.meshes.items():
        if pack.kinds.get(sid) not in TISSUE:
            continue
        if sid in posed.vertices:
            v = np.asarray(posed.vertices[sid])
        else:
            t = posed.transforms[sid]
            v = (m.vertices @ t[:3, :3].T + t[:3, 3]).astype(np.float32)
        tissue[sid] = Mesh(v, m.faces, vertex_normals(v, m.faces))
    inside = solids(tissue)
    out = {}
    for sid in pack.manifest["routes"]:
        spec, mesh = specs.get(sid), leg.meshes.get(sid)
        if spec is None or mesh is None or sid not in posed.vertices:
            continue
        tube = Tube.of(Mesh(np.asarray(posed.vertices[sid]), mesh.faces, mesh.normals),
                       spec.stations, spec.ring)
        if tube is None:
            continue
        s = mapping.structures.get(sid)
        out[sid] = _share(tube.centres, inside, set(s.within) if s else set())
    return out


def _share(centres: np.ndarray, inside: dict, within: set[str]) -> float:
    """Share of a route's length inside pack tissue it is not meant to run inside, judged at
    :data:`~calfexplorer.anatomy.route_solids.RUN_POINTS` points along each run between stations
    (the tube runs straight between them). Where the muscle a vessel runs inside (``within``)
    is posed overlapping another structure, the vessel lies in its own muscle, as it should,
    and that length is not counted: the overlap is the posed tissue's, and no place in the
    muscle is outside the other there. Length inside two structures at once counts once."""
    others = [x for i, x in inside.items() if i not in within]
    points = run_points(centres)
    flat = points.reshape(-1, 3)
    seg = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    own = np.zeros(len(flat), bool)
    for i in within & set(inside):
        own |= inside[i].inside(flat)
    hit = np.zeros(len(flat), bool)
    for x in others:
        hit |= x.inside(flat)
    part = (hit & ~own).reshape(points.shape[:2]).mean(axis=1)
    return float(seg @ part / max(float(seg.sum()), 1e-12))


def test_routes_run_beside_the_pack_at_rest(shares: dict[str, dict[str, float]]) -> None:
    rest = shares["anatomical"]
    assert {"tibial_nerve", "common_fibular_nerve", "deep_fibular_nerve"} <= set(rest)
    assert all(v < INSIDE_SHARE for v in rest.values()), rest


def test_the_saphenous_nerve_passes_the_gracilis_at_rest(
        shares: dict[str, dict[str, float]]) -> None:
    """Its rest route crossed the gracilis mid-thigh (a 20 mm step, 1.6 % of its length inside,
    in every preset; 2.2 % in the seated calf raise): the rest routing's re-laying gave up
    before finding a way past the muscle (``routing.LAY_REST_ROUNDS``). In life it leaves the
    adductor canal and reaches the skin between sartorius and gracilis."""
    assert shares["anatomical"]["saphenous_nerve"] == 0.0


#: How far (m) the saphenous nerve drawn with the pack may lie from its built-in course.
SAPHENOUS_DETOUR_M = 0.025


def test_the_saphenous_nerve_keeps_near_its_course_past_the_gracilis(built_pack: Path) -> None:
    """Seen from the medial side, the nerve bowed 43 mm forward of its built-in course over
    20 cm of the thigh: its way past the gracilis was found round the muscle's front. Laid
    again from its built-in course (``routing._drawn_back``) it passes behind the gracilis,
    between it and the semimembranosus, and down their medial side: 15 mm from that course
    at most in the thigh, 8 mm forward, 17.6 mm in all (below the knee, where the route
    keeps it out of the calf muscles)."""
    manifest = json.loads((built_pack / "manifest.json").read_text(encoding="utf-8"))
    doc = manifest["routes"]["saphenous_nerve"]
    moved = np.asarray(doc["offsets_m"]) + eased_offsets(doc)
    far = np.linalg.norm(moved, axis=1)
    assert far.max() < SAPHENOUS_DETOUR_M, (
        f"station {far.argmax()} drawn {far.max() * 1000:.1f} mm from its built-in course")


def test_every_route_is_checked(shares: dict[str, dict[str, float]]) -> None:
    assert set(shares["anatomical"]) == set(ROUTES)


def _marked(preset: str, route: str) -> object:
    share = BEYOND.get((preset, route))
    if share is None:
        return (preset, route)
    return pytest.param(preset, route, marks=pytest.mark.xfail(
        strict=False, reason=f"#12: {share:.0%} of its length inside pack tissue, measured"))


@pytest.mark.parametrize(("preset", "route"), [
    _marked(p.id, r) for p in PRESETS if p.id != "anatomical" for r in ROUTES])
def test_routes_run_beside_the_pack_in_every_preset(shares: dict[str, dict[str, float]],
                                                     preset: str, route: str) -> None:
    share = shares[preset][route]
    assert share < INSIDE_SHARE, f"{preset}: {route} runs {share:.1%} of its length in tissue"


@pytest.mark.parametrize(("preset", "route"), sorted(BEYOND))
def test_routes_still_in_tissue_lie_no_deeper_than_measured(
        shares: dict[str, dict[str, float]], preset: str, route: str) -> None:
    """The pairs :data:`BEYOND` marks as not met (#12) may not get worse than measured."""
    assert shares[preset][route] <= BEYOND[preset, route] + 0.005, shares[preset][route]


#: The sharpest turn (degrees) the tibial nerve may take in the presets with the knee bent.
TIBIAL_TURN_DEG = 65.0


@pytest.mark.parametrize("preset", ["bent_knee_calf_stretch", "seated_calf_raise", "deep_squat"])
def test_the_tibial_nerve_stays_behind_the_bones_as_one_smooth_cord(
        posing: tuple[Any, Any], preset: str) -> None:
    """Its learnt move took it through the gap between tibia and fibula in the deep squat (two
    stations 27-39 mm in front of the line between the bones, in front of tibialis posterior)
    and zigzagged: 17 turns over 45 degrees, the sharpest 112 (bent-knee stretch 69, seated
    calf raise 72). Now no move crosses that line (:mod:`calfexplorer.anatomy.interosseous`)
    and its turns are faired: 60, 61 and 47 degrees."""
    from calfexplorer.anatomy.interosseous import ACROSS_M, signed_depth
    from calfexplorer.anatomy.route_lines import _turns

    leg, poser = posing
    pose = next(p.pose for p in PRESETS if p.id == preset)
    spec = {s.id: s for s in load_params().sweeps}["tibial_nerve"]
    mesh = leg.meshes["tibial_nerve"]

    def centres_and_depth(angles: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        posed = poser(angles)
        tube = Tube.of(Mesh(np.asarray(posed.vertices["tibial_nerve"]), mesh.faces,
                            mesh.normals), spec.stations, spec.ring)
        assert tube is not None
        bones = [leg.pack.meshes[b].vertices @ posed.transforms[b][:3, :3].T
                 + posed.transforms[b][:3, 3] for b in ("tibia", "fibula")]
        return tube.centres, signed_depth(tube.centres, *bones)

    _, rest = centres_and_depth({"knee": 0.0, "ankle": 0.0, "subtalar": 0.0, "toes": 0.0})
    back = np.sign(np.nanmedian(rest))
    centres, depth = centres_and_depth(
        {j: getattr(pose, j) for j in ("knee", "ankle", "subtalar", "toes")})
    front = np.flatnonzero(back * depth < -ACROSS_M)
    assert not len(front), f"stations {front.tolist()} in front: {depth[front] * 1000} mm"
    assert _turns(centres).max() < TIBIAL_TURN_DEG


#: A coarse grid of poses between the presets (knee x ankle; degrees).
BETWEEN_KNEES_DEG = tuple(range(0, 121, 15))
BETWEEN_ANKLES_DEG = tuple(range(-30, 31, 15))
#: Over that grid, every route: the shares summed and the (pose, route) pairs over 2 %, as
#: measured (#12, not met: nearly all the tibial nerve, whose moves learnt at neighbouring
#: poses of the learning's grid go round the tissue different ways and blend through it).
BETWEEN_SUMMED = 3.06
BETWEEN_OVER = 43


def test_routes_between_the_presets_lie_no_deeper_than_measured(
        posing: tuple[Any, Any]) -> None:
    """Between the learning's poses the learnt moves are blended; over a coarse grid of poses
    the routes may lie no deeper in the pack's tissue than measured (4.46 summed and 55 pairs
    over 2 % with the ankle's learnt column at -40 degrees, not -30; 3.52 and 49 before the
    soleus' deep surface was moved off the tibial nerve's route)."""
    found = {(k, a): _posed_shares(*posing, {"knee": float(np.radians(k)),
                                             "ankle": float(np.radians(a)),
                                             "subtalar": 0.0, "toes": 0.0})
             for k in BETWEEN_KNEES_DEG for a in BETWEEN_ANKLES_DEG}
    summed = sum(v for shares in found.values() for v in shares.values())
    over = sum(v >= INSIDE_SHARE for shares in found.values() for v in shares.values())
    tibial = {pose: round(100 * shares.get("tibial_nerve", 0.0), 1)
              for pose, shares in found.items()}
    assert summed <= BETWEEN_SUMMED + 0.05 and over <= BETWEEN_OVER, (summed, over, tibial)
