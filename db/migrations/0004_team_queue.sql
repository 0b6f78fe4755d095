CREATE TABLE "embeddings" (
	"project_id" integer NOT NULL,
	"space" text NOT NULL,
	"item_id" bigint NOT NULL,
	"dim" integer NOT NULL,
	"vector" "bytea" NOT NULL,
	CONSTRAINT "embeddings_project_id_space_item_id_pk" PRIMARY KEY("project_id","space","item_id")
);
--> statement-breakpoint
CREATE TABLE "queue_controls" (
	"project_id" integer NOT NULL,
	"item_id" bigint NOT NULL,
	"action" text NOT NULL,
	"user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_controls_project_id_item_id_pk" PRIMARY KEY("project_id","item_id")
);
--> statement-breakpoint
DROP INDEX "leases_one_active_per_item";--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "paused" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "stopped" jsonb;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "embedding_space" text;--> statement-breakpoint
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_controls" ADD CONSTRAINT "queue_controls_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_controls" ADD CONSTRAINT "queue_controls_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_controls" ADD CONSTRAINT "queue_controls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "leases_one_exclusive_per_item" ON "leases" USING btree ("item_id") WHERE state = 'active' and stream not in ('overlap', 'gold');--> statement-breakpoint
CREATE UNIQUE INDEX "leases_one_per_user_item" ON "leases" USING btree ("item_id","user_id") WHERE state = 'active';